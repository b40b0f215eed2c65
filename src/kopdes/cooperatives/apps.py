from django.apps import AppConfig


class CooperativesConfig(AppConfig):
    name = "kopdes.cooperatives"
    label = "cooperatives"
    default_auto_field = "django.db.models.BigAutoField"
