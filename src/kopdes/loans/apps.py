from django.apps import AppConfig


class LoansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.loans"
    label = "loans"
    verbose_name = "Pinjaman"
