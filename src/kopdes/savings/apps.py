from django.apps import AppConfig


class SavingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.savings"
    label = "savings"
    verbose_name = "Simpanan"
