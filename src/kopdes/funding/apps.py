from django.apps import AppConfig


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.funding"
    label = "funding"
    verbose_name = "Dana"
