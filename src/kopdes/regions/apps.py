from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "kopdes.regions"
    label = "regions"
    default_auto_field = "django.db.models.BigAutoField"
