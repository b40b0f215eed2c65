from django.apps import AppConfig


class CommerceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.commerce"
    label = "commerce"
    verbose_name = "Gerai"

    def ready(self) -> None:
        # A QRIS sale is completed when its payment's signed notification arrives (ADR 0020).
        from kopdes.commerce.services.sales import SALE_PURPOSE, on_sale_paid
        from kopdes.payments.handlers import register

        register(SALE_PURPOSE, on_sale_paid)
