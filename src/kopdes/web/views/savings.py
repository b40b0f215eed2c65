"""Simpanan pages: the counter (deposit, withdrawal, transfer, receipt), a member's savings panel
and statement, bills and arrears with the month-end runs, the savings position and the
reconciliation with the GL. Each view parses, authorises (tenant first, `cooperative_page`),
calls one savings service or selector, and renders."""

import json
import uuid
from datetime import date
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
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
from kopdes.members import rules as member_rules
from kopdes.members import selectors as member_selectors
from kopdes.savings import rules, selectors, services
from kopdes.savings.models import Kind, SavingsTransaction
from kopdes.web.access import cooperative_page
from kopdes.web.errors import form_add_domain_error, found_or_404
from kopdes.web.formflow import form_status, handle_form
from kopdes.web.forms import date_input
from kopdes.web.receipts import ledger_receipt

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


class MemberField(forms.CharField):
    """The member at the counter: a NIAK, a phone number or a member card's QR payload (what a
    keyboard-wedge scanner types) names one member; a name is searched (the page lists the matches
    to pick from, as links, with or without JavaScript)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class CounterForm(forms.Form):
    """What every counter form has: the member, the amount, the date, the request key."""

    member = MemberField(
        label=gettext_lazy("Member: name, NIAK, phone or card"),
        help_text=gettext_lazy("Type part of the name, or scan the member card."),
    )
    amount = RupiahInput(label=gettext_lazy("Amount (Rp)"))
    # ISO in every language: <input type="date"> takes nothing else.
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    memo = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.fields["amount"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})

    def _member(self, name: str):
        text = self.cleaned_data.get(name)
        if not text:
            return None
        found = member_selectors.member_find(cooperative=self.cooperative, q=text)
        if found is None:
            digits = text.strip().lstrip("#")
            self.add_error(
                name,
                _("No member with this number.")
                if digits.isascii() and digits.isdigit()
                else _("Pick the member from the list."),
            )
        return found

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["member_obj"] = self._member("member")
        on = data.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", _("The date cannot be in the future."))
        return data


CHANNELS = [("cash", gettext_lazy("Cash")), ("bank", gettext_lazy("Bank transfer"))]


class DepositForm(CounterForm):
    kind = forms.ChoiceField(label=gettext_lazy("Savings"), choices=Kind.choices)
    channel = forms.ChoiceField(label=gettext_lazy("Paid by"), choices=CHANNELS)
    field_order = ["member", "kind", "amount", "channel", "on", "memo"]


class WithdrawForm(CounterForm):
    channel = forms.ChoiceField(label=gettext_lazy("Paid out by"), choices=CHANNELS)
    field_order = ["member", "amount", "channel", "on", "memo"]


class TransferForm(CounterForm):
    to_member = MemberField(label=gettext_lazy("To member: NIAK, phone or card"))
    field_order = ["member", "to_member", "amount", "on", "memo"]

    def clean(self):
        data = super().clean()
        data["to_member_obj"] = self._member("to_member")
        return data


def _picked_member(request, cooperative):
    """The member chosen from the search (`?member=<public id>`), if of this cooperative."""
    member_id = request.GET.get("member")
    if not member_id:
        return None
    try:
        return selectors.member(cooperative=cooperative, public_id=member_id)
    except NotFound:
        return None


def _initial(request, cooperative, picked) -> dict:
    """A fresh counter form: today, a new request key, the picked member, and the kind and channel
    proposed (the kind the member owes first; `Catat lagi` carries the last kind and channel)."""
    initial = {"on": timezone.localdate(), "idempotency_key": uuid.uuid4().hex}
    if picked is not None and picked.number:
        initial["member"] = picked.niak
    explicit = request.GET.get("kind")
    owed = selectors.oldest_open_bill_kind(member=picked) if picked is not None else None
    initial["kind"] = (
        explicit
        if explicit in Kind.values
        else rules.default_kind(owed=owed, preferred=request.GET.get("last"))
    )
    if request.GET.get("channel") in ("cash", "bank"):
        initial["channel"] = request.GET["channel"]
    return initial


def _panel_context(request, member, *, recent: int = 5) -> dict:
    """What _member_panel.html shows: balances per kind, open bills, the latest transactions."""
    accounts = selectors.member_accounts(member=member)
    bills = list(selectors.member_bills(member=member, open_only=True))
    return {
        "member": member,
        "rows": [(kind, label, accounts[kind]) for kind, label in Kind.choices],
        "bills": bills,
        "arrears": sum(b.outstanding for b in bills),
        "recent": list(selectors.member_transactions(member=member)[:recent]),
        "can_cash": Capability.HANDLE_CASH in request.capabilities,
        "can_manage": Capability.MANAGE_SAVINGS in request.capabilities,
    }


def _counter(request, cooperative, *, form_class, title: str, operation: str, run, check):
    """The counter in three steps: the form (the member picked by search, shown with balances and
    bills before anything is saved); the first POST validates and shows a summary to confirm
    ("Ubah" goes back to the form with what was typed); the POST with `confirm` calls the one
    service with the form's idempotency key (a double submit saves once) and goes to the receipt.
    `check` tells, before the summary, what the service would refuse (savings_counter_check).
    """
    picked = _picked_member(request, cooperative)
    form = form_class(
        request.POST or None,
        cooperative=cooperative,
        initial=_initial(request, cooperative, picked),
    )
    form.fields["member"].widget.attrs.update(_search_attrs(cooperative, operation))
    step = "form"
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        if request.POST.get("confirm") == "1":
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
        else:
            try:
                check(form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                step = "confirm"
    member = picked
    if form.is_bound:
        form.is_valid()  # cleaned once; the member is known even when another field is wrong
        member = form.cleaned_data.get("member_obj")
    matches = []
    typed = form["member"].value() if form.is_bound else ""
    if form.is_bound and member is None and typed:
        matches = member_selectors.member_search(cooperative=cooperative, q=str(typed))
    context = {
        "cooperative": cooperative,
        "form": form,
        "title": title,
        "operation": operation,
        "step": step,
        "matches": matches,
        "searched": bool(matches) or (form.is_bound and member is None and bool(typed)),
        "target_url": request.path,
        "carry": _carry(request.POST if form.is_bound else request.GET),
    }
    if step == "confirm":
        data = form.cleaned_data
        context["summary"] = data
        context["kind_label"] = Kind(data["kind"]).label if data.get("kind") else ""
        context["channel_label"] = dict(CHANNELS).get(data.get("channel", ""), "")
    if member is not None:
        context.update(_panel_context(request, member))
        context["initials"] = member_rules.initials(member.full_name)
    return render(request, "web/savings/counter.html", context, status=400 if form.errors else 200)


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
        request,
        cooperative,
        form_class=DepositForm,
        title=_("Savings deposit"),
        operation="deposit",
        run=run,
        check=lambda data: services.savings_counter_check(
            cooperative=cooperative,
            operation="deposit",
            member=data["member_obj"],
            amount=data["amount"],
            on=data["on"],
        ),
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
        operation="withdraw",
        run=run,
        check=lambda data: services.savings_counter_check(
            cooperative=cooperative,
            operation="withdrawal",
            member=data["member_obj"],
            amount=data["amount"],
            on=data["on"],
        ),
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
        operation="transfer",
        run=run,
        check=lambda data: services.savings_counter_check(
            cooperative=cooperative,
            operation="transfer",
            member=data["member_obj"],
            amount=data["amount"],
            on=data["on"],
            to_member=data["to_member_obj"],
        ),
    )


_TYPE_LABELS = {
    "deposit": gettext_lazy("Deposit"),
    "bill_payment": gettext_lazy("Deposit"),
    "withdrawal": gettext_lazy("Withdrawal"),
    "transfer_out": gettext_lazy("Transfer to another member"),
    "transfer_in": gettext_lazy("Transfer from another member"),
    "interest": gettext_lazy("Interest"),
    "refund": gettext_lazy("Refund"),
    "reversal_in": gettext_lazy("Correction (credited back to the account)"),
    "reversal_out": gettext_lazy("Correction (taken back)"),
}


SEARCH_TARGETS = {
    "deposit": "web:savings_deposit",
    "withdraw": "web:savings_withdraw",
    "transfer": "web:savings_transfer",
    "loan_repay": "web:loans_repay",
}


@cooperative_page(Capability.HANDLE_CASH)
def savings_member_search(request, cooperative: Cooperative):
    """Find the member at the counter as the cashier types (htmx swaps the list under the box), or
    as a page of its own without JavaScript: at most ten members of this cooperative, each a link
    to the counter form with that member picked (kind and channel carried over). Phone numbers are
    shown masked."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    q = request.GET.get("q", request.GET.get("member", ""))[:200]
    operation = request.GET.get("for", "deposit")
    if operation not in SEARCH_TARGETS:
        operation = "deposit"
    matches = member_selectors.member_search(cooperative=cooperative, q=q)
    context = {
        "cooperative": cooperative,
        "q": q,
        "matches": matches,
        "searched": bool(q),
        "search_for": operation,
        "target_url": reverse(SEARCH_TARGETS[operation], args=[cooperative.public_id]),
        "carry": _carry(request.GET),
    }
    template = (
        "web/savings/_member_results.html"
        if request.headers.get("HX-Request")
        else "web/savings/member_search.html"
    )
    return render(request, template, context)


def _carry(params) -> str:
    """The kind and channel a search result link carries to the counter form (as `last`: the kind
    the member owes still comes first)."""
    carried = {}
    if params.get("kind") in Kind.values:
        carried["last"] = params["kind"]
    elif params.get("last") in Kind.values:
        carried["last"] = params["last"]
    if params.get("channel") in ("cash", "bank"):
        carried["channel"] = params["channel"]
    return urlencode(carried)


def _search_attrs(cooperative, operation: str) -> dict:
    """htmx on the member box: the matches appear under it as the cashier types (counter.js also
    picks the only match when a scanner ends the card's QR payload with Enter)."""
    return {
        "hx-get": reverse("web:savings_member_search", args=[cooperative.public_id]),
        "hx-trigger": "input changed delay:250ms, search",
        "hx-target": "#member-results",
        "hx-include": "[name=kind], [name=channel]",
        "hx-vals": json.dumps({"for": operation}),
        "hx-sync": "this:replace",
        "aria-controls": "member-results",
        "data-member-search": "",
    }


def _type_label(txn: SavingsTransaction) -> str:
    """What the receipt calls the movement, in the reader's language (a bill payment is a
    deposit to the member)."""
    label = _TYPE_LABELS.get(txn.kind)
    return str(label) if label is not None else txn.get_kind_display()


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
    ledger = ledger_receipt(request, txn.entry)
    text += f"\nPeriksa di buku besar: {ledger.url}"
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
            "again_url": _again_url(request, cooperative, txn),
            "ledger": ledger,
        },
    )


AGAIN = {
    "deposit": "web:savings_deposit",
    "bill_payment": "web:savings_deposit",
    "withdrawal": "web:savings_withdraw",
    "transfer_out": "web:savings_transfer",
    "transfer_in": "web:savings_transfer",
}


def _again_url(request, cooperative, txn) -> str:
    """`Catat lagi`: a fresh counter form for the next member, the same kind and channel proposed
    (for a cashier only; other transactions are not made at the counter)."""
    name = AGAIN.get(txn.kind)
    if name is None or Capability.HANDLE_CASH not in request.capabilities:
        return ""
    params = {"last": txn.account.kind}
    if txn.channel:
        params["channel"] = txn.channel
    return reverse(name, args=[cooperative.public_id]) + "?" + urlencode(params)


@cooperative_page(Capability.VIEW_MEMBERS)
def member_savings(request, cooperative: Cooperative, member_id):
    """A member's savings: the panel the member page loads with htmx, or a page of its own."""
    member = found_or_404(selectors.member, cooperative=cooperative, public_id=member_id)
    context = {"cooperative": cooperative, **_panel_context(request, member, recent=10)}
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
    path(SAVINGS + "cari-anggota/", savings_member_search, name="savings_member_search"),
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
