from django.apps import AppConfig


class SavingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.savings"
    label = "savings"
    verbose_name = "Simpanan"

    def ready(self) -> None:
        from kopdes.cooperatives.signals import policy_changed

        policy_changed.connect(_policy_changed, dispatch_uid="savings.policy_follow")

        # A member may get the ledger proof of an entry on one of their own savings accounts.
        from kopdes.ledger.access import register_subledger_owner
        from kopdes.savings.selectors import own_account_ids
        from kopdes.savings.services._common import SUBLEDGER

        register_subledger_owner(SUBLEDGER, own_account_ids)

        # Simpanan paid by QRIS are booked when the provider's signed notification arrives.
        from kopdes.payments.handlers import register
        from kopdes.savings.services.qris import BILL, DEPOSIT, on_bill_paid, on_deposit_paid

        register(DEPOSIT, on_deposit_paid)
        register(BILL, on_bill_paid)


def _policy_changed(sender, *, policy, actor, **kwargs) -> None:
    from kopdes.savings.services.setup import savings_policy_follow

    savings_policy_follow(actor=actor, policy=policy)
