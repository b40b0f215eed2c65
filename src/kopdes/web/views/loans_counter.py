"""The loans counter: repayments (angsuran) with the member picked as at the savings counter, the
receipt, early payoff with its quote, and restructuring (a request, then another officer's
decision). Each view parses, authorises (tenant first, `cooperative_page`), calls one loans
service or selector through `handle_form`, and renders."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError, NotFound
from kopdes.loans import repayment, selectors, services
from kopdes.loans.models import Loan, LoanRestructure, LoanTransaction
from kopdes.loans.schedule import schedule
from kopdes.members import rules as member_rules
from kopdes.members import selectors as member_selectors
from kopdes.savings import selectors as savings_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import handle_form
from kopdes.web.receipts import ledger_receipt
from kopdes.web.views.savings import CHANNELS, MemberField, RupiahInput, _search_attrs

LOANS = "app/<uuid:cooperative_id>/pinjaman/"


def _date_field(label) -> forms.DateField:
    # ISO in every language: <input type="date"> takes nothing else.
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _not_future(form: forms.Form, name: str = "on") -> None:
    on = form.cleaned_data.get(name)
    if on and on > timezone.localdate():
        form.add_error(name, _("The date cannot be in the future."))


class RepayForm(forms.Form):
    """The member (as at the savings counter), one of their active loans, the amount, how it is
    paid, the date and the request key."""

    member = MemberField(
        label=gettext_lazy("Member: name, NIAK, phone or card"),
        help_text=gettext_lazy("Type part of the name, or scan the member card."),
    )
    loan = forms.ChoiceField(label=gettext_lazy("Loan"), choices=[])
    amount = RupiahInput(label=gettext_lazy("Amount (Rp)"))
    channel = forms.ChoiceField(label=gettext_lazy("Paid by"), choices=CHANNELS)
    on = _date_field(gettext_lazy("Date"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.fields["amount"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})
        if self.is_bound:
            text = str(self.data.get("member", "")).strip()
            member = member_selectors.member_find(cooperative=cooperative, q=text) if text else None
        self.member_obj = member
        self.loans = (
            list(selectors.member_active_loans(member=member)) if member is not None else []
        )
        cast(forms.ChoiceField, self.fields["loan"]).choices = [
            (str(loan.public_id), f"{loan.number} · {loan.product.name}") for loan in self.loans
        ]
        if len(self.loans) == 1:
            self.fields["loan"].initial = str(self.loans[0].public_id)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.member_obj is None and data.get("member"):
            digits = data["member"].strip().lstrip("#")
            self.add_error(
                "member",
                _("No member with this number.")
                if digits.isascii() and digits.isdigit()
                else _("Pick the member from the list."),
            )
        data["member_obj"] = self.member_obj
        chosen = data.get("loan")
        data["loan_obj"] = next((ln for ln in self.loans if str(ln.public_id) == chosen), None)
        _not_future(self)
        return data


@dataclass(frozen=True)
class Preview:
    """The confirmation step: what the payment will pay, before anything is saved."""

    data: dict[str, Any]
    split: repayment.Allocation


def _loan_rows(member, on: date) -> list[dict]:
    """The member's active loans with what is due on `on` and the payoff amount."""
    rows = []
    for loan in selectors.member_active_loans(member=member):
        rows.append(
            {
                "loan": loan,
                "dues": services.loan_dues(loan=loan, on=on),
                "payoff": services.loan_payoff_quote(loan=loan, on=on),
            }
        )
    return rows


def _picked_member(request, cooperative):
    member_id = request.GET.get("member")
    if not member_id:
        return None
    try:
        return savings_selectors.member(cooperative=cooperative, public_id=member_id)
    except NotFound:
        return None


@cooperative_page(Capability.HANDLE_CASH)
def loans_repay(request, cooperative: Cooperative):
    """Angsuran at the counter in three steps, as the savings counter: the form (the member
    picked by search, their loans and what is due today shown before anything is saved); the
    first POST checks and shows how the payment will be split to confirm ("Ubah" goes back);
    the POST with `confirm` calls `loan_repay` with the form's idempotency key (a double submit
    saves once) and goes to the receipt."""
    picked = _picked_member(request, cooperative)
    initial = {"on": timezone.localdate(), "idempotency_key": uuid.uuid4().hex}
    if picked is not None and picked.number:
        initial["member"] = picked.niak
    if request.GET.get("loan"):
        initial["loan"] = request.GET["loan"]
    editing = request.method == "POST" and "edit" in request.POST
    form = RepayForm(request.POST or None, cooperative=cooperative, member=picked, initial=initial)
    form.fields["member"].widget.attrs.update(_search_attrs(cooperative, "loan_repay"))

    def page(status: int, preview: Preview | None = None):
        member = form.member_obj
        typed = str(form["member"].value() or "") if form.is_bound else ""
        matches = (
            member_selectors.member_search(cooperative=cooperative, q=typed)
            if form.is_bound and member is None and typed
            else []
        )
        on = timezone.localdate()
        if form.is_bound and form.is_valid() and form.cleaned_data.get("on"):
            on = form.cleaned_data["on"]
        context = {
            "cooperative": cooperative,
            "form": form,
            "title": _("Loan repayment"),
            "step": "confirm" if preview is not None else "form",
            "preview": preview,
            "matches": matches,
            "searched": bool(matches) or (form.is_bound and member is None and bool(typed)),
            "target_url": request.path,
            "carry": "",
            "member": member,
        }
        if member is not None:
            context["initials"] = member_rules.initials(member.full_name)
            context["loan_rows"] = _loan_rows(member, on)
            context["can_restructure"] = Capability.MANAGE_LOANS in request.capabilities
            context["on"] = on
        return render(request, "web/loans/counter_repay.html", context, status=status)

    if editing:
        return page(200)

    def save(data):
        loan = data["loan_obj"]
        if request.POST.get("confirm") == "1":
            return services.loan_repay(
                actor=request.user,
                loan=loan,
                amount=data["amount"],
                channel=data["channel"],
                on=data["on"],
                idempotency_key=data["idempotency_key"],
            )
        return Preview(
            data=data,
            split=services.loan_repay_check(loan=loan, amount=data["amount"], on=data["on"]),
        )

    def success(result):
        if isinstance(result, Preview):
            return page(200, result)
        return redirect("web:loans_receipt", cooperative.public_id, result.public_id)

    return handle_form(
        request,
        form,
        save=save,
        success=success,
        page=page,
        message=lambda result: (
            ""
            if isinstance(result, Preview)
            else _("Recorded as %(journal)s, receipt %(receipt)s.")
            % {"journal": str(result.entry), "receipt": result.receipt_label}
        ),
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_receipt(request, cooperative: Cooperative, loan_transaction_id):
    """The receipt of a repayment or payoff: 58 mm when printed, terbilang, WhatsApp text."""
    txn = found_or_404(
        selectors.loan_transaction, cooperative=cooperative, public_id=loan_transaction_id
    )
    loan = txn.loan
    member = loan.member
    outstanding = selectors.outstanding_after(txn)
    title = "Pelunasan pinjaman" if txn.kind == LoanTransaction.Kind.PAYOFF else "Angsuran pinjaman"
    # The receipt is written in Indonesian whatever the officer's language: it is handed over.
    text = repayment.receipt_text(
        cooperative=cooperative.name,
        receipt=txn.receipt_label or "-",
        when=txn.date,
        member=member.full_name,
        niak=member.niak,
        loan=loan.number,
        title=title,
        amount=txn.amount,
        penalty=txn.penalty,
        interest=txn.interest,
        principal=txn.principal,
        outstanding=outstanding,
        journal=str(txn.entry),
        short_hash=txn.entry.short_hash,
    )
    ledger = ledger_receipt(request, txn.entry)
    text += f"\nPeriksa di buku besar: {ledger.url}"
    whatsapp = ""
    if member.phone:
        whatsapp = f"https://wa.me/{member.phone.lstrip('+')}?text={quote(text)}"
    again = ""
    if Capability.HANDLE_CASH in request.capabilities and txn.kind != LoanTransaction.Kind.PAYOFF:
        again = reverse("web:loans_repay", args=[cooperative.public_id]) + f"?channel={txn.channel}"
    return render(
        request,
        "web/loans/counter_receipt.html",
        {
            "cooperative": cooperative,
            "txn": txn,
            "loan": loan,
            "member": member,
            "outstanding": outstanding,
            "text": text,
            "whatsapp": whatsapp,
            "again_url": again,
            "ledger": ledger,
        },
    )


def _asked_day(text: str | None, today: date) -> date:
    """`?on=yyyy-mm-dd` for a quote on another day (not in the future); today otherwise."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return today
    return min(day, today)


class PayoffForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Paid by"), choices=CHANNELS)
    on = _date_field(gettext_lazy("Date"))
    quoted_total = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def clean(self):
        super().clean()
        _not_future(self)
        return self.cleaned_data


@cooperative_page(Capability.HANDLE_CASH)
def loans_payoff(request, cooperative: Cooperative, loan_id):
    """Early payoff: the quote of the day under the product's rule (pokok, jasa, denda, the jasa
    waived), then `loan_payoff`. The POST carries the total the cashier saw: when the quote of
    the chosen day differs (another payment came in, or the date changed), the page shows the
    new quote instead of saving."""
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    on = timezone.localdate()
    form = PayoffForm(
        request.POST or None,
        initial={"on": on, "channel": "cash", "idempotency_key": uuid.uuid4().hex},
    )
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
    elif not form.is_bound:
        on = _asked_day(request.GET.get("on"), on)
        form.initial["on"] = on
    quote_ = None
    refusal = None
    try:
        quote_ = services.loan_payoff_quote(loan=loan, on=on)
    except DomainError as error:
        refusal = error.render()
    if quote_ is not None:
        form.initial["quoted_total"] = quote_.total
        if form.is_bound and form.is_valid() and form.cleaned_data["quoted_total"] != quote_.total:
            form.add_error(
                None,
                _("The payoff amount on this date is %(total)s: check it and save again.")
                % {"total": f"Rp{quote_.total:,}".replace(",", ".")},
            )
            data = request.POST.copy()
            data["quoted_total"] = str(quote_.total)
            form.data = data

    def page(status: int):
        return render(
            request,
            "web/loans/counter_payoff.html",
            {
                "cooperative": cooperative,
                "loan": loan,
                "member": loan.member,
                "quote": quote_,
                "refusal": refusal,
                "form": form,
                "on": on,
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        valid=quote_ is not None,
        save=lambda data: services.loan_payoff(
            actor=request.user,
            loan=loan,
            channel=data["channel"],
            on=data["on"],
            idempotency_key=data["idempotency_key"],
        ),
        success=lambda txn: redirect("web:loans_receipt", cooperative.public_id, txn.public_id),
        page=page,
        message=lambda txn: (
            _("Loan %(number)s paid off, receipt %(receipt)s.")
            % {"number": loan.number, "receipt": txn.receipt_label}
        ),
    )


class RestructureForm(forms.Form):
    months = forms.IntegerField(label=gettext_lazy("New term (months)"), min_value=1, max_value=120)
    annual_rate = forms.DecimalField(
        label=gettext_lazy("Interest rate (% a year)"),
        min_value=0,
        max_value=24,
        max_digits=5,
        decimal_places=2,
    )
    grace_months = forms.IntegerField(
        label=gettext_lazy("Grace months (jasa only)"), min_value=0, max_value=119, initial=0
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@cooperative_page(Capability.MANAGE_LOANS)
def loans_restructure_request(request, cooperative: Cooperative, loan_id):
    """Ask to reschedule an active loan (another officer decides)."""
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    form = RestructureForm(
        request.POST or None,
        # The new term is typed, never proposed: a restructure is a decision, not an edit.
        initial={"annual_rate": loan.annual_rate, "grace_months": 0},
    )
    today = timezone.localdate()
    dues = services.loan_dues(loan=loan, on=today) if loan.status == Loan.Status.ACTIVE else None
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_restructure_request(
            actor=request.user,
            loan=loan,
            months=data["months"],
            annual_rate=data["annual_rate"],
            grace_months=data["grace_months"],
            reason=data["reason"],
        ),
        success=lambda req: redirect(
            "web:loans_restructure_decide", cooperative.public_id, req.public_id
        ),
        message=_("The restructure request was recorded; another officer decides."),
        page=lambda status: render(
            request,
            "web/loans/counter_restructure_request.html",
            {"cooperative": cooperative, "loan": loan, "form": form, "dues": dues},
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_restructures(request, cooperative: Cooperative):
    """The restructure requests: pending first, then the latest decided."""
    return render(
        request,
        "web/loans/counter_restructures.html",
        {
            "cooperative": cooperative,
            "requests": selectors.restructure_requests(cooperative=cooperative),
        },
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@cooperative_page(Capability.VIEW_LOANS, write=Capability.DECIDE_LOANS)
def loans_restructure_decide(request, cooperative: Cooperative, restructure_id):
    """A restructure request: the loan, the terms asked and the new schedule they would make;
    an officer who decides loans (not the one who asked) approves or rejects it with a reason."""
    req = found_or_404(
        selectors.restructure_request, cooperative=cooperative, public_id=restructure_id
    )
    loan = req.loan
    preview = []
    if req.status == LoanRestructure.Status.PENDING and loan.status == Loan.Status.ACTIVE:
        preview = schedule(
            principal=loan.outstanding_principal,
            annual_rate=req.annual_rate,
            months=req.months,
            method=loan.method,
            start=timezone.localdate(),
            grace_months=req.grace_months,
        )
    form = DecideForm(request.POST or None)
    can_decide = (
        Capability.DECIDE_LOANS in request.capabilities
        and req.status == LoanRestructure.Status.PENDING
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_restructure_decide(
            actor=request.user,
            restructure=req,
            decision=data["decision"],
            reason=data["reason"],
        ),
        success=reverse(
            "web:loans_restructure_decide", args=[cooperative.public_id, req.public_id]
        ),
        message=lambda r: (
            _("Restructure approved: the new schedule is in force.")
            if r.status == LoanRestructure.Status.APPROVED
            else _("Restructure rejected.")
        ),
        page=lambda status: render(
            request,
            "web/loans/counter_restructure_decide.html",
            {
                "cooperative": cooperative,
                "req": req,
                "loan": loan,
                "preview": preview,
                "form": form,
                "can_decide": can_decide,
            },
            status=status,
        ),
    )


urlpatterns = [
    path(LOANS + "angsuran/", loans_repay, name="loans_repay"),
    path(LOANS + "kuitansi/<uuid:loan_transaction_id>/", loans_receipt, name="loans_receipt"),
    path(LOANS + "<uuid:loan_id>/pelunasan/", loans_payoff, name="loans_payoff"),
    path(
        LOANS + "<uuid:loan_id>/restrukturisasi/",
        loans_restructure_request,
        name="loans_restructure_request",
    ),
    path(LOANS + "restrukturisasi/", loans_restructures, name="loans_restructures"),
    path(
        LOANS + "restrukturisasi/<uuid:restructure_id>/",
        loans_restructure_decide,
        name="loans_restructure_decide",
    ),
]
