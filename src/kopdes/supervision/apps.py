from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.supervision"
    label = "supervision"
    verbose_name = "Pengawasan"
