from django.apps import AppConfig


class LoansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kopdes.loans"
    label = "loans"
    verbose_name = "Pinjaman"

    def ready(self) -> None:
        # A member may get the ledger proof of an entry on one of their own loans.
        from kopdes.ledger.access import register_subledger_owner
        from kopdes.loans.selectors import member_has_outstanding_loan, own_loan_ids
        from kopdes.loans.services import SUBLEDGER
        from kopdes.savings.selectors import register_outstanding_loan_check

        register_subledger_owner(SUBLEDGER, own_loan_ids)
        # A member who still owes a loan cannot resign (savings asks; it may not import loans).
        register_outstanding_loan_check(member_has_outstanding_loan)

        # Installments paid by QRIS are booked when the provider's signed notification arrives.
        from kopdes.loans.services.qris import REPAYMENT, on_repayment_paid
        from kopdes.payments.handlers import register

        register(REPAYMENT, on_repayment_paid)
