"""The state-bank loan of PMK 49/2025 (docs/adr/0026-bank-loan-schedule.md): the contract, its
drawings into the bank, the installments paid from the bank, and the warning before an
installment falls due without the cash to pay it."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record
from kopdes.core.errors import IdempotencyConflict
from kopdes.core.idempotency import check_key
from kopdes.core.money import AMOUNT_MAX, format_rupiah
from kopdes.funding import rules
from kopdes.funding.errors import (
    BankLoanBankShort,
    BankLoanContractTaken,
    BankLoanEarlierInstallmentUnpaid,
    BankLoanInstallmentAlreadyPaid,
    BankLoanInvalidAmount,
    BankLoanInvalidPurpose,
    BankLoanInvalidText,
    BankLoanNotActive,
    BankLoanOverCeiling,
    BankLoanOverOperatingPart,
    BankLoanRepaymentStarted,
    BankLoanTotalTooHigh,
)
from kopdes.funding.models import (
    BankLoan,
    BankLoanDisbursement,
    BankLoanInstallment,
    BankLoanWarning,
    FundingSource,
)
from kopdes.funding.services import _common
from kopdes.funding.services.receipts import fund_receive
from kopdes.funding.services.sources import funding_document_add, funding_source_create
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry

BANK = "1-102"
OFFICE_CASH = "1-101-01"
KEY_PREFIX = "bank_loan:"


def _require(actor: Actor, cooperative: Cooperative) -> None:
    """MANAGE_FUNDING (ketua, bendahara); the system (None: the demo, a setup) may do it all."""
    _common._require(actor, cooperative, Capability.MANAGE_FUNDING)


def _text(value: Any, field: str, max_length: int) -> str:
    text = str(value or "").strip()
    if not text or len(text) > max_length:
        error = BankLoanInvalidText(maximum=max_length)
        error.fields = {field: [error.render()]}
        raise error
    return text


def _amount(amount: Any, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= AMOUNT_MAX:
        error = BankLoanInvalidAmount()
        error.fields = {field: [error.render()]}
        raise error
    return amount


def bank_loan_create(
    *,
    actor: Actor,
    cooperative: Cooperative,
    bank: str,
    contract_number: str,
    ceiling: int,
    operating_part: int,
    rate: Decimal | int | str = rules.BANK_LOAN_RATE,
    months: int,
    grace_months: int,
    first_due_on: date,
    agreement_date: date,
    note: str = "",
    documents: Sequence[tuple[str, UploadedFile]] = (),
) -> BankLoan:
    """Record the bank's loan contract: a funding source of kind bank_loan and its terms. Refuses
    terms outside PMK 49/2025 (`funding.bank_loan_ceiling`, `_operating_part`, `_months`,
    `_grace`, `_rate`, `_first_due`) and a contract that would take the cooperative's active bank
    loans above Rp3 miliar (`funding.bank_loan_total`). Nothing is posted until a drawing."""
    _require(actor, cooperative)
    bank = _text(bank, "bank", 100)
    contract_number = _text(contract_number, "contract_number", 100)
    yearly = rules.bank_loan_terms_check(
        ceiling=ceiling,
        operating_part=operating_part,
        rate=rate,
        months=months,
        grace_months=grace_months,
        first_due_on=first_due_on,
    )
    with transaction.atomic():
        # The cooperative's row lock serialises two contracts recorded at the same moment.
        Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
        active = (
            BankLoan.objects.filter(
                cooperative=cooperative, status=BankLoan.Status.ACTIVE
            ).aggregate(total=Sum("ceiling"))["total"]
            or 0
        )
        if active + ceiling > rules.BANK_LOAN_CEILING_MAX:
            error = BankLoanTotalTooHigh(
                total=active + ceiling, maximum=rules.BANK_LOAN_CEILING_MAX
            )
            error.fields = {"ceiling": [error.render()]}
            raise error
        if BankLoan.objects.filter(
            cooperative=cooperative, contract_number=contract_number
        ).exists():
            taken = BankLoanContractTaken(number=contract_number)
            taken.fields = {"contract_number": [taken.render()]}
            raise taken
        source = funding_source_create(
            actor=actor,
            cooperative=cooperative,
            kind=FundingSource.Kind.BANK_LOAN,
            name=f"Pinjaman {bank} {contract_number}"[:150],
            amount=ceiling,
            partner=bank,
            agreement_number=contract_number,
            agreement_date=agreement_date,
            restricted=False,
            note=str(note or ""),
        )
        loan = BankLoan.objects.create(
            cooperative=cooperative,
            source=source,
            bank_name=bank,
            contract_number=contract_number,
            ceiling=ceiling,
            operating_part=operating_part,
            rate=yearly,
            months=months,
            grace_months=grace_months,
            first_due_on=first_due_on,
        )
        for title, upload in documents:
            funding_document_add(actor=actor, source=source, title=title, file=upload)
        audit_record(
            actor=actor,
            action="funding.bank_loan_create",
            obj=loan,
            after={
                "bank": bank,
                "contract_number": contract_number,
                "ceiling": ceiling,
                "operating_part": operating_part,
                "rate": str(yearly),
                "months": months,
                "grace_months": grace_months,
                "first_due_on": first_due_on.isoformat(),
                "documents": len(documents),
            },
        )
    return loan


def _rebuild_schedule(loan: BankLoan, principal: int) -> None:
    """The unpaid schedule made again from `principal`, row by row in place (a warning already
    given keeps pointing at its installment)."""
    rows = rules.bank_loan_schedule(
        principal=principal,
        rate=loan.rate,
        months=loan.months,
        grace_months=loan.grace_months,
        first_due_on=loan.first_due_on,
    )
    existing = {i.number: i for i in BankLoanInstallment.objects.filter(loan=loan)}
    new = []
    for row in rows:
        installment = existing.get(row.number)
        if installment is None:
            new.append(
                BankLoanInstallment(
                    cooperative_id=loan.cooperative_id,
                    loan=loan,
                    number=row.number,
                    due_on=row.due_on,
                    principal=row.principal,
                    interest=row.interest,
                )
            )
        else:
            installment.due_on = row.due_on
            installment.principal = row.principal
            installment.interest = row.interest
            installment.save(update_fields=["due_on", "principal", "interest"])
    BankLoanInstallment.objects.bulk_create(new)


def bank_loan_disburse(
    *,
    actor: Actor,
    loan: BankLoan,
    amount: int,
    purpose: str,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> BankLoanDisbursement:
    """A drawing on the loan: the money into the bank through `fund_receive` ("fund.received",
    key bank_loan: Dr 1-102, Cr 2-201), and the schedule (re)built from the principal drawn so
    far. Refuses a drawing above the ceiling (`funding.bank_loan_over_ceiling`), an operating
    drawing above the operating part (`_over_operating_part`), a closed loan (`_not_active`) and
    any drawing once an installment is paid (`_repayment_started`). With an idempotency key, a
    retry returns the first drawing."""
    cooperative = loan.cooperative
    _require(actor, cooperative)
    _amount(amount)
    if purpose not in BankLoanDisbursement.Purpose.values:
        refused = BankLoanInvalidPurpose()
        refused.fields = {"purpose": [refused.render()]}
        raise refused
    check_key(idempotency_key)
    on = on or clock.today()
    with transaction.atomic():
        loan = BankLoan.objects.select_for_update().get(pk=loan.pk)
        if idempotency_key is not None:
            earlier = BankLoanDisbursement.objects.filter(
                cooperative=cooperative, receipt__idempotency_key=idempotency_key
            ).first()
            if earlier is not None:  # a retry: the same request answers the first drawing
                again = fund_receive(
                    actor=actor,
                    source=loan.source,
                    amount=amount,
                    on=on,
                    channel="bank",
                    idempotency_key=idempotency_key,
                )
                if again.pk != earlier.receipt_id or earlier.purpose != purpose:
                    raise IdempotencyConflict(key=idempotency_key)
                return earlier
        if loan.status != BankLoan.Status.ACTIVE:
            raise BankLoanNotActive()
        if BankLoanInstallment.objects.filter(loan=loan, paid_on__isnull=False).exists():
            raise BankLoanRepaymentStarted()
        drawn = (
            BankLoanDisbursement.objects.filter(loan=loan).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        if drawn + amount > loan.ceiling:
            over = BankLoanOverCeiling(total=drawn + amount, ceiling=loan.ceiling)
            over.fields = {"amount": [over.render()]}
            raise over
        if purpose == BankLoanDisbursement.Purpose.OPERATING:
            operating = (
                BankLoanDisbursement.objects.filter(
                    loan=loan, purpose=BankLoanDisbursement.Purpose.OPERATING
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            if operating + amount > loan.operating_part:
                over2 = BankLoanOverOperatingPart(
                    total=operating + amount, maximum=loan.operating_part
                )
                over2.fields = {"amount": [over2.render()]}
                raise over2
        receipt = fund_receive(
            actor=actor,
            source=loan.source,
            amount=amount,
            on=on,
            channel="bank",
            idempotency_key=idempotency_key,
        )
        disbursement = BankLoanDisbursement.objects.create(
            cooperative=cooperative,
            loan=loan,
            on=on,
            amount=amount,
            purpose=purpose,
            receipt=receipt,
        )
        _rebuild_schedule(loan, drawn + amount)
        audit_record(
            actor=actor,
            action="funding.bank_loan_disburse",
            obj=disbursement,
            after={
                "loan": str(loan),
                "amount": amount,
                "purpose": purpose,
                "on": on.isoformat(),
                "principal_drawn": drawn + amount,
                "entry": str(receipt.entry),
            },
        )
    return disbursement


def bank_loan_installment_pay(
    *,
    actor: Actor,
    installment: BankLoanInstallment,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> BankLoanInstallment:
    """Pay one installment from the bank: "bank_loan.installment_paid" (Dr 2-201 the principal,
    Dr 5-501 the interest, Cr 1-102). Installments are paid in order
    (`funding.bank_loan_earlier_unpaid`), once (`funding.bank_loan_installment_paid`), and only
    when the bank account holds the installment (`funding.bank_loan_bank_short`). With an
    idempotency key (stored on the journal entry), a retry returns the paid installment and the
    same key for another request is a conflict."""
    cooperative = installment.cooperative
    _require(actor, cooperative)
    check_key(idempotency_key)
    on = _common.check_date(on or clock.today())
    key = KEY_PREFIX + idempotency_key if idempotency_key else None
    with transaction.atomic():
        loan = BankLoan.objects.select_for_update().get(pk=installment.loan_id)
        installment = BankLoanInstallment.objects.select_for_update().get(pk=installment.pk)
        amounts = {"principal": installment.principal, "interest": installment.interest}
        memo = f"Angsuran ke-{installment.number} pinjaman {loan.bank_name} {loan.contract_number}"
        if installment.paid_entry is not None:
            if key is not None and installment.paid_entry.idempotency_key == key:
                _post_installment(loan, installment, amounts, on, memo, key, actor)  # replay check
                return installment
            raise BankLoanInstallmentAlreadyPaid(
                number=installment.number, paid_on=installment.paid_on
            )
        if loan.status != BankLoan.Status.ACTIVE:
            raise BankLoanNotActive()
        earlier = (
            BankLoanInstallment.objects.filter(
                loan=loan, number__lt=installment.number, paid_on__isnull=True
            )
            .order_by("number")
            .first()
        )
        if earlier is not None:
            raise BankLoanEarlierInstallmentUnpaid(number=earlier.number)
        total = installment.principal + installment.interest
        balance = ledger_selectors.account_balances(cooperative=cooperative, codes=[BANK]).get(
            BANK, 0
        )
        if balance < total:
            raise BankLoanBankShort(balance=balance, amount=total)
        entry = _post_installment(loan, installment, amounts, on, memo, key, actor)
        installment.paid_on = on
        installment.paid_entry = entry
        installment.save(update_fields=["paid_on", "paid_entry"])
        if not BankLoanInstallment.objects.filter(loan=loan, paid_on__isnull=True).exists():
            loan.status = BankLoan.Status.REPAID
            loan.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="funding.bank_loan_installment_pay",
            obj=installment,
            after={
                "loan": str(loan),
                "number": installment.number,
                "principal": installment.principal,
                "interest": installment.interest,
                "on": on.isoformat(),
                "entry": str(entry),
            },
        )
    return installment


def _post_installment(
    loan: BankLoan,
    installment: BankLoanInstallment,
    amounts: dict[str, int],
    on: date,
    memo: str,
    key: str | None,
    actor: Actor,
) -> JournalEntry:
    return ledger.post_event(
        cooperative=loan.cooperative,
        event="bank_loan.installment_paid",
        key="",
        amounts=amounts,
        date=on,
        memo=memo,
        source_id=str(installment.public_id),
        idempotency_key=key,
        actor=actor,
    )


def warning_days() -> int:
    return int(getattr(settings, "KOPDES_BANK_LOAN_WARNING_DAYS", rules.BANK_LOAN_WARNING_DAYS))


def bank_loan_warnings(cooperative: Cooperative, on: date) -> list[BankLoanWarning]:
    """The daily job's work for one cooperative and day: each unpaid installment of an active
    bank loan falling due within `KOPDES_BANK_LOAN_WARNING_DAYS` days of `on` (default 7) gets
    one warning when the bank plus the office cash (1-102 + 1-101-01, as posted through `on`)
    is less than it and the unpaid installments before it. An installment is warned about once."""
    horizon = on + timedelta(days=warning_days())
    due = list(
        BankLoanInstallment.objects.filter(
            cooperative=cooperative,
            loan__status=BankLoan.Status.ACTIVE,
            paid_on__isnull=True,
            due_on__gte=on,
            due_on__lte=horizon,
            warnings__isnull=True,
        )
        .select_related("loan")
        .order_by("due_on", "loan_id", "number")
    )
    if not due:
        return []
    balances = ledger_selectors.account_balances(
        cooperative=cooperative, codes=[BANK, OFFICE_CASH], on=on
    )
    cash = balances.get(BANK, 0) + balances.get(OFFICE_CASH, 0)
    raised = []
    with transaction.atomic():
        for installment in due:
            before = BankLoanInstallment.objects.filter(
                cooperative=cooperative,
                loan__status=BankLoan.Status.ACTIVE,
                paid_on__isnull=True,
                due_on__lte=installment.due_on,
            ).aggregate(principal=Sum("principal"), interest=Sum("interest"))
            needed = (before["principal"] or 0) + (before["interest"] or 0)
            if cash >= needed:
                continue
            warning = BankLoanWarning.objects.create(
                cooperative=cooperative,
                loan=installment.loan,
                installment=installment,
                raised_on=on,
                due_on=installment.due_on,
                amount=installment.principal + installment.interest,
                needed=needed,
                cash=cash,
            )
            audit_record(
                actor=None,
                action="funding.bank_loan_warning",
                obj=warning,
                after={
                    "loan": str(installment.loan),
                    "number": installment.number,
                    "due_on": installment.due_on.isoformat(),
                    "needed": needed,
                    "cash": cash,
                    "short": format_rupiah(needed - cash),
                },
            )
            raised.append(warning)
    return raised
