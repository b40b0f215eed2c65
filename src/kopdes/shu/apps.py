from django.apps import AppConfig


class ShuConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.shu"
    label = "shu"
    verbose_name = "SHU"
