"""Simpanan pages: the counter (deposit, withdrawal, transfer, receipt), a member's savings panel
and statement, bills and arrears with the month-end runs, the savings position and the
reconciliation with the GL. Each view parses, authorises (tenant first, `cooperative_page`),
calls one savings service or selector, and renders."""

import uuid
from datetime import date
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import months, pdf
from kopdes.core.errors import DomainError, NotFound
from kopdes.core.money import format_rupiah, parse_rupiah
from kopdes.savings import rules, selectors, services
from kopdes.savings.models import Kind, SavingsTransaction
from kopdes.web.access import cooperative_page
from kopdes.web.errors import form_add_domain_error, found_or_404
from kopdes.web.formflow import form_status, handle_form
from kopdes.web.forms import AsciiIntegerField, date_input

SAVINGS = "app/<uuid:cooperative_id>/simpanan/"
MEMBER = "app/<uuid:cooperative_id>/anggota/<uuid:member_id>/simpanan/"


class RupiahInput(forms.Field):
    """An amount typed as people write it (50000, 50.000, Rp50.000)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 30})

    def to_python(self, value):
        value = str(value or "").strip()
        if not value:
            return None
        if len(value) > 30:
            raise forms.ValidationError(_("Enter an amount such as 50.000."))
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(_("Enter an amount such as 50.000.")) from None
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be above zero."))
        return int(amount)


class CounterForm(forms.Form):
    """What every counter form has: the member by NIAK, the amount, the date, the request key."""

    member = AsciiIntegerField(label=gettext_lazy("Member number (NIAK)"), min_value=1)
    amount = RupiahInput(label=gettext_lazy("Amount (Rp)"))
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    memo = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative

    def _member(self, name: str):
        number = self.cleaned_data.get(name)
        if number is None:
            return None
        found = selectors.member_by_number(cooperative=self.cooperative, number=number)
        if found is None:
            self.add_error(name, _("No member with this number."))
        return found

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["member_obj"] = self._member("member")
        on = data.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", _("The date cannot be in the future."))
        return data


class DepositForm(CounterForm):
    kind = forms.ChoiceField(label=gettext_lazy("Savings"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        choices=[("cash", gettext_lazy("Cash")), ("bank", gettext_lazy("Bank transfer"))],
    )
    field_order = ["member", "kind", "amount", "channel", "on", "memo"]


class WithdrawForm(CounterForm):
    channel = forms.ChoiceField(
        label=gettext_lazy("Paid out by"),
        choices=[("cash", gettext_lazy("Cash")), ("bank", gettext_lazy("Bank transfer"))],
    )
    field_order = ["member", "amount", "channel", "on", "memo"]


class TransferForm(CounterForm):
    to_member = AsciiIntegerField(label=gettext_lazy("To member number (NIAK)"), min_value=1)
    field_order = ["member", "to_member", "amount", "on", "memo"]

    def clean(self):
        data = super().clean()
        data["to_member_obj"] = self._member("to_member")
        return data


def _initial(request, cooperative) -> dict:
    initial = {"on": timezone.localdate(), "idempotency_key": uuid.uuid4().hex}
    member_id = request.GET.get("member")
    if member_id:
        try:
            found = selectors.member(cooperative=cooperative, public_id=member_id)
        except NotFound:
            found = None
        if found is not None and found.number:
            initial["member"] = found.number
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    return initial


def _counter(request, cooperative, *, form_class, title: str, run):
    form = form_class(
        request.POST or None, cooperative=cooperative, initial=_initial(request, cooperative)
    )
    if request.method == "POST" and form.is_valid():
        try:
            txn = run(form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Recorded as %(journal)s, receipt %(receipt)s.")
                % {"journal": str(txn.entry), "receipt": txn.receipt_label},
            )
            return redirect("web:savings_receipt", cooperative.public_id, txn.public_id)
    return render(
        request,
        "web/savings/counter.html",
        {"cooperative": cooperative, "form": form, "title": title},
        status=400 if form.errors else 200,
    )


@cooperative_page(Capability.HANDLE_CASH)
def savings_deposit(request, cooperative: Cooperative):
    def run(data):
        return services.savings_deposit(
            actor=request.user,
            cooperative=cooperative,
            member=data["member_obj"],
            kind=data["kind"],
            amount=data["amount"],
            channel=data["channel"],
            on=data["on"],
            memo=data["memo"],
            idempotency_key=data["idempotency_key"],
        )

    return _counter(
        request, cooperative, form_class=DepositForm, title=_("Savings deposit"), run=run
    )


@cooperative_page(Capability.HANDLE_CASH)
def savings_withdraw(request, cooperative: Cooperative):
    def run(data):
        return services.savings_withdraw(
            actor=request.user,
            cooperative=cooperative,
            member=data["member_obj"],
            amount=data["amount"],
            channel=data["channel"],
            on=data["on"],
            memo=data["memo"],
            idempotency_key=data["idempotency_key"],
        )

    return _counter(
        request,
        cooperative,
        form_class=WithdrawForm,
        title=_("Simpanan sukarela withdrawal"),
        run=run,
    )


@cooperative_page(Capability.HANDLE_CASH)
def savings_transfer(request, cooperative: Cooperative):
    def run(data):
        return services.savings_transfer(
            actor=request.user,
            cooperative=cooperative,
            member=data["member_obj"],
            to_member=data["to_member_obj"],
            amount=data["amount"],
            on=data["on"],
            memo=data["memo"],
            idempotency_key=data["idempotency_key"],
        )

    return _counter(
        request,
        cooperative,
        form_class=TransferForm,
        title=_("Simpanan sukarela transfer between members"),
        run=run,
    )


def _type_label(txn: SavingsTransaction) -> str:
    return {
        "deposit": "Setoran",
        "bill_payment": "Setoran",
        "withdrawal": "Penarikan",
        "transfer_out": "Pindah buku ke anggota lain",
        "transfer_in": "Pindah buku dari anggota lain",
        "interest": "Bunga",
        "refund": "Pengembalian",
        "reversal_in": "Koreksi (dikembalikan ke rekening)",
        "reversal_out": "Koreksi (ditarik kembali)",
    }[txn.kind]


def _can_correct(request) -> bool:
    return bool(request.capabilities & {Capability.HANDLE_CASH, Capability.KEEP_BOOKS})


@cooperative_page(Capability.VIEW_MEMBERS)
def savings_receipt(request, cooperative: Cooperative, transaction_id):
    txn = found_or_404(selectors.transaction, cooperative=cooperative, public_id=transaction_id)
    member = txn.account.member
    # The receipt is written in Indonesian whatever the officer's language: it is handed over.
    text = rules.receipt_text(
        cooperative=cooperative.name,
        receipt=txn.receipt_label or "-",
        when=txn.date,
        member=member.full_name,
        niak=member.niak,
        kind_label=str(Kind(txn.account.kind).label),
        type_label=_type_label(txn),
        amount=txn.amount,
        balance_after=txn.balance_after,
        journal=str(txn.entry),
        short_hash=txn.entry.short_hash,
    )
    pending = selectors.correction_pending(transaction=txn)
    whatsapp = ""
    if member.phone:
        whatsapp = f"https://wa.me/{member.phone.lstrip('+')}?text={quote(text)}"
    return render(
        request,
        "web/savings/receipt.html",
        {
            "cooperative": cooperative,
            "txn": txn,
            "member": member,
            "type_label": _type_label(txn),
            "text": text,
            "whatsapp": whatsapp,
            "can_correct": _can_correct(request)
            and txn.kind in SavingsTransaction.CORRECTABLE
            and not txn.corrected
            and not pending,
            "pending": pending,
        },
    )


@cooperative_page(Capability.VIEW_MEMBERS)
def member_savings(request, cooperative: Cooperative, member_id):
    """A member's savings: the panel the member page loads with htmx, or a page of its own."""
    member = found_or_404(selectors.member, cooperative=cooperative, public_id=member_id)
    accounts = selectors.member_accounts(member=member)
    context = {
        "cooperative": cooperative,
        "member": member,
        "rows": [(kind, label, accounts[kind]) for kind, label in Kind.choices],
        "bills": list(selectors.member_bills(member=member, open_only=True)),
        "recent": list(selectors.member_transactions(member=member)[:10]),
        "can_cash": Capability.HANDLE_CASH in request.capabilities,
        "can_manage": Capability.MANAGE_SAVINGS in request.capabilities,
    }
    context["arrears"] = sum(b.outstanding for b in context["bills"])
    template = (
        "web/savings/_member_panel.html"
        if request.headers.get("HX-Request")
        else "web/savings/member.html"
    )
    return render(request, template, context)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), widget=date_input())
    date_to = forms.DateField(label=gettext_lazy("Until"), widget=date_input())

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end comes before the start."))
        return data


@cooperative_page(Capability.VIEW_MEMBERS)
def savings_statement(request, cooperative: Cooperative, member_id):
    """The member's mutasi for any period, as a page or (?format=pdf) a PDF."""
    member = found_or_404(selectors.member, cooperative=cooperative, public_id=member_id)
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None, initial={"date_from": date(today.year, 1, 1), "date_to": today}
    )
    if request.GET and not form.is_valid():
        date_from = date_to = None
    elif request.GET:
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    else:
        date_from, date_to = date(today.year, 1, 1), today
    statements = (
        selectors.member_statement(member=member, date_from=date_from, date_to=date_to)
        if date_from is not None and date_to is not None
        else []
    )
    context = {
        "cooperative": cooperative,
        "member": member,
        "form": form,
        "statements": statements,
        "date_from": date_from,
        "date_to": date_to,
        "printed": timezone.localtime(),
    }
    if request.GET.get("format") == "pdf" and statements:
        html = render_to_string("web/savings/statement_pdf.html", context, request=request)
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        name = f"mutasi-{member.niak or member.public_id}-{date_from}-{date_to}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "web/savings/statement.html", context, status=form_status(form))


class RunForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("bill", "bill"), ("interest", "interest")], widget=forms.HiddenInput
    )
    month = forms.RegexField(
        label=gettext_lazy("Month (YYYY-MM)"),
        regex=months.MONTH_RE,
        max_length=7,
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM.")},
    )


def _bills_page(request, cooperative, *, form=None, status=200):
    today = timezone.localdate()
    month = months.month_text(today.year, today.month)
    return render(
        request,
        "web/savings/bills.html",
        {
            "cooperative": cooperative,
            "collection": selectors.collection(cooperative=cooperative),
            "periods": selectors.bill_periods(cooperative=cooperative),
            "arrears": selectors.arrears(cooperative=cooperative, limit=200),
            "runs": selectors.month_runs(cooperative=cooperative)[:24],
            "can_manage": Capability.MANAGE_SAVINGS in request.capabilities,
            "form": form,
            "month": month,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_MEMBERS, write=Capability.MANAGE_SAVINGS)
def savings_bills(request, cooperative: Cooperative):
    """Bills and arrears; MANAGE_SAVINGS runs the month's bills or interest from here."""
    if request.method != "POST":
        return _bills_page(request, cooperative)
    form = RunForm(request.POST, auto_id=False)  # two hand-written forms: no ids to link to

    def run(data: dict) -> str:
        """The month-end run asked for; the answer is the message to show."""
        month = data["month"]
        if data["action"] == "bill":
            bills = services.savings_bills_create(
                actor=request.user, cooperative=cooperative, month=month
            )
            return _("%(count)s bills created for %(month)s.") % {
                "count": bills.created_now,
                "month": month,
            }
        interest = services.savings_interest_post(
            actor=request.user, cooperative=cooperative, month=month
        )
        return _("Interest for %(month)s: %(total)s to %(count)s accounts.") % {
            "month": month,
            "total": format_rupiah(interest.total),
            "count": interest.count,
        }

    return handle_form(
        request,
        form,
        save=run,
        message=lambda text: text,
        success=reverse("web:savings_bills", args=[cooperative.public_id]),
        page=lambda status: _bills_page(request, cooperative, form=form, status=status),
    )


@cooperative_page(Capability.VIEW_BOOKS)
def savings_reconciliation(request, cooperative: Cooperative):
    rows = selectors.reconciliation(cooperative=cooperative)
    return render(
        request,
        "web/savings/reconciliation.html",
        {
            "cooperative": cooperative,
            "rows": rows,
            "mismatches": selectors.subledger_mismatches(cooperative=cooperative),
            "balanced": all(r.difference == 0 for r in rows),
        },
    )


@cooperative_page(Capability.VIEW_BOOKS)
def savings_position(request, cooperative: Cooperative):
    rows = selectors.position(cooperative=cooperative)
    return render(
        request,
        "web/savings/position.html",
        {
            "cooperative": cooperative,
            "rows": rows,
            "total": sum(r.balance for r in rows),
            "products": selectors.products(cooperative=cooperative),
        },
    )


class ResignForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Leaves on"), widget=date_input())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)
    channel = forms.ChoiceField(
        label=gettext_lazy("Refund by"),
        choices=[("cash", gettext_lazy("Cash")), ("bank", gettext_lazy("Bank transfer"))],
    )


@cooperative_page(Capability.MANAGE_SAVINGS)
def savings_resign(request, cooperative: Cooperative, member_id):
    """A member leaves: savings refunded, accounts closed, status resigned."""
    member = found_or_404(selectors.member, cooperative=cooperative, public_id=member_id)
    form = ResignForm(request.POST or None, initial={"on": timezone.localdate()})
    return handle_form(
        request,
        form,
        save=lambda data: services.member_resign(
            actor=request.user, cooperative=cooperative, member=member, **data
        ),
        message=_("%(name)s has left; the savings were refunded.") % {"name": member.full_name},
        success=reverse("web:member_savings", args=[cooperative.public_id, member.public_id]),
        page=lambda status: render(
            request,
            "web/savings/resign.html",
            {
                "cooperative": cooperative,
                "member": member,
                "form": form,
                "accounts": selectors.member_accounts(member=member),
            },
            status=status,
        ),
    )


class CorrectionRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@cooperative_page(Capability.VIEW_MEMBERS)
def savings_correction_request(request, cooperative: Cooperative, transaction_id):
    """Koreksi: ask for a transaction's correction, with a reason; another officer decides."""
    if not _can_correct(request):
        raise Http404
    txn = found_or_404(selectors.transaction, cooperative=cooperative, public_id=transaction_id)
    form = CorrectionRequestForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.savings_correction_request(
            actor=request.user, transaction=txn, reason=data["reason"]
        ),
        message=_("The correction is waiting for another officer's approval."),
        success=reverse("web:savings_receipt", args=[cooperative.public_id, txn.public_id]),
        page=lambda status: render(
            request,
            "web/savings/correction_request.html",
            {
                "cooperative": cooperative,
                "txn": txn,
                "member": txn.account.member,
                "type_label": _type_label(txn),
                "form": form,
            },
            status=status,
        ),
    )


class CorrectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")],
        error_messages={
            "required": gettext_lazy("Choose approve or reject."),
            "invalid_choice": gettext_lazy("Choose approve or reject."),
        },
    )
    note = forms.CharField(max_length=2000, required=False)


def _corrections_page(request, cooperative, *, form=None, status: int = 200):
    return render(
        request,
        "web/savings/corrections.html",
        {
            "cooperative": cooperative,
            "pending": list(selectors.corrections(cooperative=cooperative)[:200]),
            "decided": list(selectors.corrections(cooperative=cooperative, pending=False)[:20]),
            "form": form,
        },
        status=status,
    )


@cooperative_page(Capability.APPROVE_JOURNAL)
def savings_corrections(request, cooperative: Cooperative):
    """The corrections waiting for a decision (approvers only)."""
    return _corrections_page(request, cooperative)


@cooperative_page(Capability.APPROVE_JOURNAL)
def savings_correction_decide(request, cooperative: Cooperative, correction_id):
    """Approve (reverse entry and account together) or reject a waiting correction."""
    found = found_or_404(selectors.correction, cooperative=cooperative, public_id=correction_id)
    if request.method != "POST":
        return redirect("web:savings_corrections", cooperative.public_id)
    # one hand-written form per waiting correction: the summary lists the errors, without links
    form = CorrectionDecisionForm(request.POST, auto_id=False)

    def decide(data: dict) -> str:
        """The decision; the answer is the message to show."""
        if data["decision"] == "approve":
            services.savings_correction_approve(actor=request.user, correction=found)
            return _("Correction approved: the transaction is reversed.")
        services.savings_correction_reject(
            actor=request.user, correction=found, reason=data["note"]
        )
        return _("Correction rejected.")

    return handle_form(
        request,
        form,
        save=decide,
        message=lambda text: text,
        success=reverse("web:savings_corrections", args=[cooperative.public_id]),
        page=lambda status: _corrections_page(request, cooperative, form=form, status=status),
    )


urlpatterns = [
    path(SAVINGS + "setor/", savings_deposit, name="savings_deposit"),
    path(SAVINGS + "tarik/", savings_withdraw, name="savings_withdraw"),
    path(SAVINGS + "pindah-buku/", savings_transfer, name="savings_transfer"),
    path(SAVINGS + "kuitansi/<uuid:transaction_id>/", savings_receipt, name="savings_receipt"),
    path(SAVINGS + "tagihan/", savings_bills, name="savings_bills"),
    path(SAVINGS + "rekonsiliasi/", savings_reconciliation, name="savings_reconciliation"),
    path(SAVINGS + "posisi/", savings_position, name="savings_position"),
    path(
        SAVINGS + "kuitansi/<uuid:transaction_id>/koreksi/",
        savings_correction_request,
        name="savings_correction_request",
    ),
    path(SAVINGS + "koreksi/", savings_corrections, name="savings_corrections"),
    path(
        SAVINGS + "koreksi/<uuid:correction_id>/",
        savings_correction_decide,
        name="savings_correction_decide",
    ),
    path(MEMBER, member_savings, name="member_savings"),
    path(MEMBER + "mutasi/", savings_statement, name="savings_statement"),
    path(MEMBER + "keluar/", savings_resign, name="savings_resign"),
]
