from django.apps import AppConfig


class RatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.rat"
    label = "rat"
    verbose_name = "Rapat Anggota"
