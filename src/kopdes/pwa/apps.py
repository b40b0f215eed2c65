from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "kopdes.pwa"
    label = "pwa"
    default_auto_field = "django.db.models.BigAutoField"
