"""Pinjaman bank pages (under `/app/<id>/dana/pinjaman-bank/`): the state-bank loans of PMK
49/2025 with the open cash warnings, a new contract, the loan page with its schedule (due date,
principal, interest, paid, overdue marked), a drawing into the bank and the payment of an
installment. Each view parses, authorises (tenant first, `cooperative_page`), calls one funding
service or selector, and renders (docs/adr/0026-bank-loan-schedule.md)."""

import uuid
from calendar import monthrange
from datetime import date
from decimal import Decimal

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.core.money import format_rupiah, parse_rupiah
from kopdes.core.months import shift_month
from kopdes.funding import rules, selectors, services
from kopdes.funding.models import BankLoanDisbursement
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import handle_form
from kopdes.web.forms import AsciiDecimalField, AsciiIntegerField, date_input
from kopdes.web.views.savings import RupiahInput

BANK_LOANS = "app/<uuid:cooperative_id>/dana/pinjaman-bank/"
BANK_LOAN = BANK_LOANS + "<uuid:bank_loan_id>/"


class RupiahOrZeroInput(RupiahInput):
    """An amount that may be zero (the operating part of a loan used only for investment)."""

    def to_python(self, value):
        text = str(value or "").strip()
        if text and len(text) <= 30:
            try:
                if parse_rupiah(text) == 0:
                    return 0
            except ValueError:
                pass
        return super().to_python(value)


def _next_twelfth(today: date) -> date:
    """The first 12th after `today`'s month: a sensible first due date to start from."""
    year, month = shift_month(today.year, today.month, 1)
    return date(year, month, min(rules.BANK_LOAN_DUE_DAY, monthrange(year, month)[1]))


class BankLoanForm(forms.Form):
    bank = forms.CharField(label=gettext_lazy("Bank"), max_length=100)
    contract_number = forms.CharField(label=gettext_lazy("Contract number"), max_length=100)
    agreement_date = forms.DateField(label=gettext_lazy("Contract date"), widget=date_input())
    ceiling = RupiahInput(
        label=gettext_lazy("Ceiling (plafon)"),
        help_text=gettext_lazy("At most Rp3.000.000.000 for all the cooperative's bank loans."),
    )
    operating_part = RupiahOrZeroInput(
        label=gettext_lazy("Of which for operating costs"),
        help_text=gettext_lazy("At most Rp500.000.000, and not above the ceiling."),
    )
    rate = AsciiDecimalField(
        label=gettext_lazy("Interest (% a year, fixed)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("24"),
    )
    months = AsciiIntegerField(
        label=gettext_lazy("Tenor (months, grace included)"),
        min_value=1,
        max_value=rules.BANK_LOAN_MONTHS_MAX,
    )
    grace_months = AsciiIntegerField(
        label=gettext_lazy("Grace (masa tenggang, months)"), min_value=0, max_value=12
    )
    first_due_on = forms.DateField(
        label=gettext_lazy("First installment due"),
        help_text=gettext_lazy("The 12th of a month; a holiday moves it to the next working day."),
        widget=date_input(),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    document_title = forms.CharField(
        label=gettext_lazy("Document title"), required=False, max_length=150
    )
    document = forms.FileField(
        label=gettext_lazy("Contract document (PDF or photo)"), required=False
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("document") and not data.get("document_title"):
            self.add_error("document_title", _("Name the document."))
        return data


@cooperative_page(Capability.VIEW_FUNDING)
def bank_loans(request, cooperative: Cooperative):
    """The cooperative's bank loans and the installments due soon without enough cash."""
    return render(
        request,
        "web/funding/bank_loans.html",
        {
            "cooperative": cooperative,
            "loans": selectors.bank_loans(cooperative),
            "warnings": selectors.open_bank_loan_warnings(cooperative),
            "warning_days": services.warning_days(),
            "can_manage": Capability.MANAGE_FUNDING in request.capabilities,
        },
    )


@cooperative_page(Capability.MANAGE_FUNDING)
def bank_loan_new(request, cooperative: Cooperative):
    today = clock.today()
    form = BankLoanForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "agreement_date": today,
            "rate": rules.BANK_LOAN_RATE,
            "months": 60,
            "grace_months": rules.BANK_LOAN_GRACE_MIN,
            "first_due_on": _next_twelfth(today),
            "operating_part": 0,
        },
    )

    def save(data):
        documents = []
        if data.get("document"):
            documents.append((data["document_title"], data["document"]))
        return services.bank_loan_create(
            actor=request.user,
            cooperative=cooperative,
            bank=data["bank"],
            contract_number=data["contract_number"],
            ceiling=data["ceiling"],
            operating_part=data["operating_part"],
            rate=data["rate"],
            months=data["months"],
            grace_months=data["grace_months"],
            first_due_on=data["first_due_on"],
            agreement_date=data["agreement_date"],
            note=data["note"],
            documents=documents,
        )

    return handle_form(
        request,
        form,
        save=save,
        message=lambda loan: _("Bank loan %(contract)s recorded.") % {"contract": str(loan)},
        success=lambda loan: redirect(
            "web:funding_bank_loan", cooperative.public_id, loan.public_id
        ),
        page=lambda status: render(
            request,
            "web/funding/bank_loan_form.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


def _loan_context(request, cooperative, loan) -> dict:
    file = selectors.bank_loan_file(loan)
    can_manage = Capability.MANAGE_FUNDING in request.capabilities
    next_installment = file.summary.next_installment
    preview = []
    if not file.installments:  # nothing drawn yet: the schedule on the ceiling, for reference
        preview = rules.bank_loan_schedule(
            principal=loan.ceiling,
            rate=loan.rate,
            months=loan.months,
            grace_months=loan.grace_months,
            first_due_on=loan.first_due_on,
        )
    return {
        "cooperative": cooperative,
        "loan": loan,
        "file": file,
        "preview": preview,
        "can_manage": can_manage and loan.status == loan.Status.ACTIVE,
        "next_installment": next_installment,
        "today": clock.today(),
    }


@cooperative_page(Capability.VIEW_FUNDING)
def bank_loan(request, cooperative: Cooperative, bank_loan_id):
    loan = found_or_404(
        selectors.bank_loan_for_officer, cooperative=cooperative, public_id=bank_loan_id
    )
    return render(request, "web/funding/bank_loan.html", _loan_context(request, cooperative, loan))


class DisburseForm(forms.Form):
    amount = RupiahInput(label=gettext_lazy("Amount received in the bank"))
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose"), choices=BankLoanDisbursement.Purpose.choices
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


@cooperative_page(Capability.MANAGE_FUNDING)
def bank_loan_disburse(request, cooperative: Cooperative, bank_loan_id):
    """A drawing on the loan into the bank account; the schedule is made from what was drawn."""
    loan = found_or_404(
        selectors.bank_loan_for_officer, cooperative=cooperative, public_id=bank_loan_id
    )
    form = DisburseForm(
        request.POST or None,
        initial={
            "on": clock.today(),
            "purpose": BankLoanDisbursement.Purpose.INVESTMENT,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.bank_loan_disburse(
            actor=request.user,
            loan=loan,
            amount=data["amount"],
            purpose=data["purpose"],
            on=data["on"],
            idempotency_key=data["idempotency_key"],
        ),
        message=lambda drawing: (
            _("%(amount)s drawn into the bank, recorded as %(journal)s.")
            % {"amount": format_rupiah(drawing.amount), "journal": str(drawing.receipt.entry)}
        ),
        success=lambda drawing: redirect(
            "web:funding_bank_loan", cooperative.public_id, loan.public_id
        ),
        page=lambda status: render(
            request,
            "web/funding/bank_loan_disburse.html",
            {**_loan_context(request, cooperative, loan), "form": form},
            status=status,
        ),
    )


class PayForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Paid on"), widget=date_input())
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


@cooperative_page(Capability.MANAGE_FUNDING)
def bank_loan_pay(request, cooperative: Cooperative, bank_loan_id, installment_id):
    """Pay one installment from the bank account: the page is the confirmation."""
    loan = found_or_404(
        selectors.bank_loan_for_officer, cooperative=cooperative, public_id=bank_loan_id
    )
    installment = found_or_404(selectors.bank_loan_installment, loan=loan, public_id=installment_id)
    form = PayForm(
        request.POST or None,
        initial={"on": clock.today(), "idempotency_key": uuid.uuid4().hex},
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.bank_loan_installment_pay(
            actor=request.user,
            installment=installment,
            on=data["on"],
            idempotency_key=data["idempotency_key"],
        ),
        message=lambda paid: (
            _("Installment %(number)s paid, recorded as %(journal)s.")
            % {"number": paid.number, "journal": str(paid.paid_entry)}
        ),
        success=lambda paid: redirect(
            "web:funding_bank_loan", cooperative.public_id, loan.public_id
        ),
        page=lambda status: render(
            request,
            "web/funding/bank_loan_pay.html",
            {
                **_loan_context(request, cooperative, loan),
                "installment": installment,
                "total": installment.principal + installment.interest,
                "form": form,
            },
            status=status,
        ),
    )


def bank_loans_url(cooperative: Cooperative) -> str:
    return reverse("web:funding_bank_loans", args=[cooperative.public_id])


urlpatterns = [
    path(BANK_LOANS, bank_loans, name="funding_bank_loans"),
    path(BANK_LOANS + "baru/", bank_loan_new, name="funding_bank_loan_new"),
    path(BANK_LOAN, bank_loan, name="funding_bank_loan"),
    path(BANK_LOAN + "pencairan/", bank_loan_disburse, name="funding_bank_loan_disburse"),
    path(
        BANK_LOAN + "angsuran/<uuid:installment_id>/bayar/",
        bank_loan_pay,
        name="funding_bank_loan_pay",
    ),
]
