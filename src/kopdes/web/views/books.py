"""The books (buku): chart of accounts, journal, manual journals (maker-checker), periods and
posting rules. Each view parses, authorises (tenant first, through `cooperative_page`), calls one
ledger service and renders; reads go through `kopdes.ledger.selectors`."""

import json
import re
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.money import parse_rupiah
from kopdes.ledger import rules as ledger_rules
from kopdes.ledger import selectors
from kopdes.ledger import services as ledger
from kopdes.ledger.errors import TooManyLines
from kopdes.ledger.models import Account
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import ActionForm, form_status, handle_form
from kopdes.web.forms import AsciiIntegerField, date_input, plain_int

PAGE_SIZE = 50
MAX_LINES = ledger_rules.MANUAL_JOURNAL_MAX_LINES  # more is a data import, not a form


# -- chart of accounts ------------------------------------------------------------------------


class AccountForm(forms.Form):
    parent_code = forms.ChoiceField(label=gettext_lazy("Under the header"))
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    cash_flow = forms.ChoiceField(
        label=gettext_lazy("Cash flow class"),
        choices=Account.CashFlow.choices,
        initial=Account.CashFlow.OPERATING,
    )
    participation = forms.ChoiceField(
        label=gettext_lazy("Participation (income accounts)"),
        choices=Account.Participation.choices,
        required=False,
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["parent_code"]).choices = [
            (a.code, f"{a.code} {a.name}")
            for a in selectors.header_accounts(cooperative=cooperative)
        ]


def _chart_page(request, cooperative, *, form=None, error: str = "", status: int = 200):
    can_keep = Capability.KEEP_BOOKS in request.capabilities
    if can_keep and form is None:
        form = AccountForm(cooperative=cooperative)
    return render(
        request,
        "web/books/accounts.html",
        {
            "cooperative": cooperative,
            "rows": selectors.account_tree(cooperative=cooperative),
            "form": form if can_keep else None,
            "can_keep": can_keep,
            "error": error,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_BOOKS, write=Capability.KEEP_BOOKS)
def accounts(request, cooperative: Cooperative):
    if request.method != "POST":
        return _chart_page(request, cooperative)
    form = AccountForm(request.POST, cooperative=cooperative)
    return handle_form(
        request,
        form,
        save=lambda data: ledger.account_add(actor=request.user, cooperative=cooperative, **data),
        message=lambda account: _("Account %(account)s was added.") % {"account": str(account)},
        success=reverse("web:accounts", args=[cooperative.public_id]),
        page=lambda status: _chart_page(request, cooperative, form=form, status=status),
    )


def _account_action(request, cooperative: Cooperative, account_id, *, save, message: str):
    """Close or remove an account (a button on the chart): refused, the chart again with the
    reason above it."""
    account = found_or_404(selectors.account, cooperative=cooperative, public_id=account_id)
    label = str(account)
    form = ActionForm(request.POST)
    return handle_form(
        request,
        form,
        save=lambda data: save(account),
        message=message % {"account": label},
        success=reverse("web:accounts", args=[cooperative.public_id]),
        page=lambda status: _chart_page(
            request,
            cooperative,
            error=" ".join(str(e) for e in form.non_field_errors()),
            status=status,
        ),
    )


@cooperative_page(Capability.KEEP_BOOKS)
@require_POST
def account_close(request, cooperative: Cooperative, account_id):
    return _account_action(
        request,
        cooperative,
        account_id,
        save=lambda account: ledger.account_close(actor=request.user, account=account),
        message=_("Account %(account)s was closed."),
    )


@cooperative_page(Capability.KEEP_BOOKS)
@require_POST
def account_remove(request, cooperative: Cooperative, account_id):
    return _account_action(
        request,
        cooperative,
        account_id,
        save=lambda account: ledger.account_remove(actor=request.user, account=account),
        message=_("Account %(account)s was removed."),
    )


# -- journal ----------------------------------------------------------------------------------


class JournalFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=date_input())
    source = forms.CharField(label=gettext_lazy("Source"), max_length=50, required=False)
    account = forms.CharField(label=gettext_lazy("Account code"), max_length=20, required=False)
    q = forms.CharField(label=gettext_lazy("Memo contains"), max_length=100, required=False)


@cooperative_page(Capability.VIEW_BOOKS)
def journal(request, cooperative: Cooperative):
    form = JournalFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown and ignored; the valid ones still apply
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    entries = selectors.journal_entries(
        cooperative=cooperative,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        source_kind=data.get("source", "").strip(),
        account_code=data.get("account", "").strip(),
        text=data.get("q", "").strip(),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/books/journal.html",
        {
            "cooperative": cooperative,
            "form": form,
            "page": page,
            "source_kinds": selectors.journal_source_kinds(cooperative=cooperative),
        },
        status=form_status(form),
    )


class ReverseForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date of the reversal"), widget=date_input())
    memo = forms.CharField(
        label=gettext_lazy("Memo (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Why the entry is reversed."),
    )


def _entry_page(request, cooperative, entry_id, *, form=None, status: int = 200):
    entry = found_or_404(selectors.journal_entry, cooperative=cooperative, public_id=entry_id)
    can_reverse = (
        Capability.KEEP_BOOKS in request.capabilities
        and entry.reversed_by is None
        and entry.reverses_id is None
    )
    if can_reverse and form is None:
        form = ReverseForm(initial={"date": timezone.localdate()})
    return render(
        request,
        "web/books/entry.html",
        {
            "cooperative": cooperative,
            "entry": entry,
            "lines": entry.line_rows,
            "total_debit": sum(ln.debit for ln in entry.line_rows),
            "total_credit": sum(ln.credit for ln in entry.line_rows),
            # a refused reversal shows its form and error even when the entry can no longer be
            # reversed (someone else was quicker)
            "form": form if (can_reverse or form is not None) else None,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_BOOKS)
def journal_entry(request, cooperative: Cooperative, entry_id):
    return _entry_page(request, cooperative, entry_id)


@cooperative_page(Capability.KEEP_BOOKS)
@require_POST
def journal_reverse(request, cooperative: Cooperative, entry_id):
    entry = found_or_404(selectors.journal_entry, cooperative=cooperative, public_id=entry_id)
    form = ReverseForm(request.POST)
    return handle_form(
        request,
        form,
        save=lambda data: ledger.journal_entry_reverse(
            entry=entry, date=data["date"], memo=data["memo"].strip(), actor=request.user
        ),
        message=lambda reversal: (
            _("Entry %(entry)s was reversed by %(reversal)s.")
            % {"entry": str(entry), "reversal": str(reversal)}
        ),
        success=lambda reversal: redirect(
            "web:journal_entry", cooperative.public_id, reversal.public_id
        ),
        page=lambda status: _entry_page(request, cooperative, entry_id, form=form, status=status),
    )


# -- manual journals (maker-checker) ----------------------------------------------------------


class ManualJournalForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    memo = forms.CharField(label=gettext_lazy("Memo"), max_length=300)


class JournalLineForm(forms.Form):
    """One line: an account and an amount on one side. A row left wholly blank is skipped."""

    account = forms.ChoiceField(label=gettext_lazy("Account"), required=False)
    debit = forms.CharField(
        label=gettext_lazy("Debit"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
    )
    credit = forms.CharField(
        label=gettext_lazy("Credit"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
    )

    def __init__(self, *args, account_choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = account_choices

    def _amount(self, name: str) -> int:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return 0
        try:
            value = parse_rupiah(text)
        except ValueError:
            raise forms.ValidationError(
                _("Write a whole rupiah amount, e.g. 1.500.000."), code="amount"
            ) from None
        if value < 0:
            raise forms.ValidationError(_("Amounts cannot be negative."), code="negative")
        return value

    def clean_debit(self) -> int:
        return self._amount("debit")

    def clean_credit(self) -> int:
        return self._amount("credit")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        # No errors: clean_debit and clean_credit have turned both amounts into ints.
        account, debit, credit = data.get("account"), data["debit"], data["credit"]
        if not account and not debit and not credit:
            data["blank"] = True
            return data
        if not account:
            self.add_error("account", _("Choose an account."))
        if (debit > 0) == (credit > 0):
            raise forms.ValidationError(
                _("Enter an amount on the debit side or on the credit side, not both."),
                code="one_side",
            )
        return data

    @property
    def is_blank(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("blank"))


_LINE_KEY = re.compile(r"^line-(\d+)-")


def _line_count(data) -> int:
    indexes = [int(m.group(1)) for key in data if (m := _LINE_KEY.match(key))]
    return max(indexes) + 1 if indexes else 0


def _account_choices(cooperative) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (a.code, f"{a.code} {a.name}") for a in selectors.postable_accounts(cooperative=cooperative)
    ]


def _line_forms(cooperative, data=None, count: int = 4) -> list[JournalLineForm]:
    choices = _account_choices(cooperative)
    return [
        JournalLineForm(data, prefix=f"line-{i}", account_choices=choices) for i in range(count)
    ]


def _decide_id(journal) -> str:
    """Ids of a journal's decision form: one form per waiting journal on the page
    (`reason-<journal id>`, as the template writes them)."""
    return f"%s-{journal.public_id}"


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))]
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for rejecting."))
        return data


def _manual_page(
    request,
    cooperative,
    *,
    form=None,
    lines=None,
    decide_form=None,
    decide_id=None,
    status: int = 200,
):
    can_keep = Capability.KEEP_BOOKS in request.capabilities
    can_approve = Capability.APPROVE_JOURNAL in request.capabilities
    if can_keep and form is None:
        form = ManualJournalForm(initial={"date": timezone.localdate()})
        lines = _line_forms(cooperative)
    names = dict(selectors.accounts(cooperative=cooperative).values_list("code", "name"))
    pending = list(selectors.manual_journals(cooperative=cooperative, pending=True))
    for journal in pending:
        # Attached for the template (j.rows, j.total, j.may_decide, j.decide_form).
        journal.rows = [  # type: ignore[attr-defined]
            {**ln, "name": names.get(ln["account"], "")} for ln in journal.lines
        ]
        journal.total = sum(ln["debit"] for ln in journal.lines)  # type: ignore[attr-defined]
        journal.may_decide = (  # type: ignore[attr-defined]
            can_approve and journal.maker_id != request.user.pk
        )
        journal.decide_form = (  # type: ignore[attr-defined]
            decide_form if journal.pk == decide_id else DecideForm(auto_id=_decide_id(journal))
        )
    decided = Paginator(
        selectors.manual_journals(cooperative=cooperative, pending=False), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/books/manual_journals.html",
        {
            "cooperative": cooperative,
            "form": form if can_keep else None,
            "lines": lines,
            "next_line": len(lines or []),
            "pending": pending,
            "page": decided,
            "line_errors": any(ln.errors for ln in lines or []),
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_BOOKS, write=Capability.KEEP_BOOKS)
def manual_journals(request, cooperative: Cooperative):
    if request.method != "POST":
        return _manual_page(request, cooperative)
    form = ManualJournalForm(request.POST)
    given = _line_count(request.POST)
    count = min(given, MAX_LINES)  # the rows shown again; more than MAX_LINES is refused below
    if "add_line" in request.POST:  # without JavaScript: the same form with one more row
        lines = _line_forms(cooperative, request.POST, count + 1 if count < MAX_LINES else count)
        # Nothing is checked yet: no errors on a half-filled form (_errors is Django-internal).
        for line in lines:
            line._errors = {}  # type: ignore[attr-defined]
        form._errors = {}  # type: ignore[attr-defined]
        return _manual_page(request, cooperative, form=form, lines=lines)
    lines = _line_forms(cooperative, request.POST, count)
    valid = form.is_valid() & all([line.is_valid() for line in lines])
    if given > MAX_LINES:  # refused, never cut: a dropped line would change the journal
        form.add_error(None, TooManyLines(limit=MAX_LINES, count=given).render())
        valid = False
    filled = [line.cleaned_data for line in lines if line.is_valid() and not line.is_blank]
    if valid and len(filled) < 2:
        form.add_error(None, _("A journal needs at least two lines."))
        valid = False
    return handle_form(
        request,
        form,
        valid=valid,
        save=lambda data: ledger.manual_journal_draft(
            actor=request.user,
            cooperative=cooperative,
            date=data["date"],
            memo=data["memo"],
            lines=[
                {"account": ln["account"], "debit": ln["debit"], "credit": ln["credit"]}
                for ln in filled
            ],
        ),
        message=_("The journal was drafted; a second officer must approve it."),
        success=reverse("web:manual_journals", args=[cooperative.public_id]),
        page=lambda status: _manual_page(
            request, cooperative, form=form, lines=lines, status=status
        ),
    )


@cooperative_page(Capability.KEEP_BOOKS)
def manual_journal_line(request, cooperative: Cooperative):
    """htmx: one more empty line row (and the "add a line" button pointing at the next index)."""
    index = min(plain_int(request.GET.get("n")) or 0, MAX_LINES - 1)
    line = JournalLineForm(prefix=f"line-{index}", account_choices=_account_choices(cooperative))
    return render(
        request,
        "web/books/_journal_line.html",
        {"cooperative": cooperative, "line": line, "next_line": index + 1, "oob": True},
    )


@cooperative_page(Capability.APPROVE_JOURNAL)
@require_POST
def manual_journal_decide(request, cooperative: Cooperative, journal_id):
    journal = found_or_404(selectors.manual_journal, cooperative=cooperative, public_id=journal_id)
    form = DecideForm(request.POST, auto_id=_decide_id(journal))

    def message(decided) -> str:
        if form.cleaned_data["decision"] == "approve":
            return _("The journal was approved and posted as %(entry)s.") % {
                "entry": str(decided.entry)
            }
        return _("The journal was rejected.")

    return handle_form(
        request,
        form,
        save=lambda data: ledger.manual_journal_decide(
            actor=request.user,
            journal=journal,
            approve=data["decision"] == "approve",
            reason=data["reason"].strip(),
        ),
        message=message,
        success=reverse("web:manual_journals", args=[cooperative.public_id]),
        page=lambda status: _manual_page(
            request, cooperative, decide_form=form, decide_id=journal.pk, status=status
        ),
    )


# -- periods ----------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    year = AsciiIntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    month = AsciiIntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)


class ReopenForm(PeriodForm):
    reason = forms.CharField(label=gettext_lazy("Reason for reopening"), max_length=500)


class YearEndForm(forms.Form):
    year = AsciiIntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: the year's result moves to SHU belum dibagi and every month of the "
            "year is closed."
        )
    )


def _year(request) -> int:
    year = plain_int(request.GET.get("tahun", "") or request.POST.get("year", ""))
    return year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year


def _periods_page(request, cooperative, *, failed=None, status: int = 200):
    year = _year(request)
    caps = request.capabilities
    return render(
        request,
        "web/books/periods.html",
        {
            "cooperative": cooperative,
            "year": year,
            "years": [year - 1, year + 1],
            "rows": selectors.periods(cooperative=cooperative, year=year),
            "can_close": Capability.KEEP_BOOKS in caps,
            "can_reopen": Capability.REOPEN_PERIOD in caps,
            # The year-end close is offered once the year has ended (the service refuses it
            # before: ledger.year_not_ended).
            "year_end_form": YearEndForm(initial={"year": year})
            if Capability.KEEP_BOOKS in caps and year < timezone.localdate().year
            else None,
            "failed": failed,
            "history": selectors.reopen_history(cooperative=cooperative)[:100],
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_BOOKS)
def periods(request, cooperative: Cooperative):
    return _periods_page(request, cooperative)


def _back_to_periods(cooperative, year: int):
    return redirect(reverse("web:periods", args=[cooperative.public_id]) + f"?tahun={year}")


def _period_action(request, cooperative: Cooperative, form: forms.Form, *, save, message):
    """A button of the periods page (close a month, reopen one, close the year)."""
    return handle_form(
        request,
        form,
        save=save,
        message=message,
        success=lambda _result: _back_to_periods(cooperative, form.cleaned_data["year"]),
        page=lambda status: _periods_page(request, cooperative, failed=form, status=status),
    )


@cooperative_page(Capability.KEEP_BOOKS)
@require_POST
def period_close(request, cooperative: Cooperative):
    form = PeriodForm(request.POST)
    return _period_action(
        request,
        cooperative,
        form,
        save=lambda data: ledger.period_close(
            actor=request.user, cooperative=cooperative, year=data["year"], month=data["month"]
        ),
        message=lambda _result: _("%(year)s-%(month)02d was closed.") % form.cleaned_data,
    )


@cooperative_page(Capability.REOPEN_PERIOD)
@require_POST
def period_reopen(request, cooperative: Cooperative):
    form = ReopenForm(request.POST, auto_id=False)  # the rows' inputs have no ids to link to
    # REOPEN_PERIOD is the ketua's alone (accounts.access): checked by the decorator for the
    # page, and by the service itself.
    return _period_action(
        request,
        cooperative,
        form,
        save=lambda data: ledger.period_reopen(
            actor=request.user,
            cooperative=cooperative,
            year=data["year"],
            month=data["month"],
            reason=data["reason"],
        ),
        message=lambda _result: _("%(year)s-%(month)02d was reopened.") % form.cleaned_data,
    )


@cooperative_page(Capability.KEEP_BOOKS)
@require_POST
def year_end_close(request, cooperative: Cooperative):
    form = YearEndForm(request.POST)

    def message(entry) -> str:
        year = form.cleaned_data["year"]
        if entry is not None:
            return _("The year %(year)s was closed; its result was posted as %(entry)s.") % {
                "year": year,
                "entry": str(entry),
            }
        return _("The year %(year)s was closed.") % {"year": year}

    return _period_action(
        request,
        cooperative,
        form,
        save=lambda data: ledger.year_end_close(
            actor=request.user, cooperative=cooperative, year=data["year"]
        ),
        message=message,
    )


# -- posting rules ----------------------------------------------------------------------------


class PostingRuleForm(forms.Form):
    event = forms.CharField(
        label=gettext_lazy("Event"),
        max_length=50,
        widget=forms.TextInput(attrs={"list": "posting-events"}),
    )
    key = forms.CharField(
        label=gettext_lazy("Product or business unit key"), max_length=50, required=False
    )
    effective_from = forms.DateField(label=gettext_lazy("Effective from"), widget=date_input())
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    lines = forms.CharField(
        label=gettext_lazy("Lines (JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=gettext_lazy(
            'A list like <code>[{"amount": "amount", "debit": "1-102", "credit": "3-103"}]</code>.'
        ),
    )

    def clean_lines(self) -> list[dict]:
        try:
            value = json.loads(self.cleaned_data["lines"])
        except json.JSONDecodeError:
            raise forms.ValidationError(_("This is not valid JSON."), code="json") from None
        keys = {"amount", "debit", "credit"}
        if (
            not isinstance(value, list)
            or not value
            or not all(
                isinstance(spec, dict)
                and set(spec) == keys
                and all(isinstance(spec[k], str) and spec[k].strip() for k in keys)
                for spec in value
            )
        ):
            raise forms.ValidationError(
                _('Give a list of lines, each with "amount", "debit" and "credit".'),
                code="shape",
            )
        return [{k: spec[k].strip() for k in ("amount", "debit", "credit")} for spec in value]


def _rules_page(request, cooperative, *, form=None, status: int = 200):
    can_keep = Capability.KEEP_BOOKS in request.capabilities
    if can_keep and form is None:
        initial: dict[str, Any] = {"effective_from": timezone.localdate()}
        event, key = request.GET.get("event", "")[:50], request.GET.get("key", "")[:50]
        current = next(
            (
                r
                for r in selectors.posting_rules_in_force(cooperative=cooperative)
                if (r.event, r.key) == (event, key)
            ),
            None,
        )
        if current is not None:
            initial.update(
                event=current.event,
                key=current.key,
                description=current.description,
                lines=json.dumps(current.lines, indent=1),
            )
        form = PostingRuleForm(initial=initial)
    return render(
        request,
        "web/books/posting_rules.html",
        {
            "cooperative": cooperative,
            "in_force": selectors.posting_rules_in_force(cooperative=cooperative),
            "history": selectors.posting_rule_history(cooperative=cooperative),
            "events": selectors.posting_rule_events(cooperative=cooperative),
            "form": form if can_keep else None,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_BOOKS, write=Capability.KEEP_BOOKS)
def posting_rules(request, cooperative: Cooperative):
    if request.method != "POST":
        return _rules_page(request, cooperative)
    form = PostingRuleForm(request.POST)
    return handle_form(
        request,
        form,
        save=lambda data: ledger.posting_rule_change(
            actor=request.user,
            cooperative=cooperative,
            event=data["event"].strip(),
            key=data["key"].strip(),
            lines=data["lines"],
            effective_from=data["effective_from"],
            description=data["description"].strip(),
        ),
        message=lambda rule: (
            _("Version %(version)s of the rule was recorded.") % {"version": rule.version}
        ),
        success=reverse("web:posting_rules", args=[cooperative.public_id]),
        page=lambda status: _rules_page(request, cooperative, form=form, status=status),
    )


BOOKS = "app/<uuid:cooperative_id>/buku/"

urlpatterns = [
    path(BOOKS + "akun/", accounts, name="accounts"),
    path(BOOKS + "akun/<uuid:account_id>/tutup/", account_close, name="account_close"),
    path(BOOKS + "akun/<uuid:account_id>/hapus/", account_remove, name="account_remove"),
    path(BOOKS + "jurnal/", journal, name="journal"),
    path(BOOKS + "jurnal/<uuid:entry_id>/", journal_entry, name="journal_entry"),
    path(BOOKS + "jurnal/<uuid:entry_id>/balik/", journal_reverse, name="journal_reverse"),
    path(BOOKS + "jurnal-manual/", manual_journals, name="manual_journals"),
    path(BOOKS + "jurnal-manual/baris/", manual_journal_line, name="manual_journal_line"),
    path(
        BOOKS + "jurnal-manual/<uuid:journal_id>/putuskan/",
        manual_journal_decide,
        name="manual_journal_decide",
    ),
    path(BOOKS + "periode/", periods, name="periods"),
    path(BOOKS + "periode/tutup/", period_close, name="period_close"),
    path(BOOKS + "periode/buka/", period_reopen, name="period_reopen"),
    path(BOOKS + "periode/tutup-tahun/", year_end_close, name="year_end_close"),
    path(BOOKS + "aturan-posting/", posting_rules, name="posting_rules"),
]
