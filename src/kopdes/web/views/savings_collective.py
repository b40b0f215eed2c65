"""The collective deposit page (setoran kolektif): at day's end the kasir books what a collector
(or the counter) took from many members as one journal entry, one receipt per member.

The kasir types the rows (member number, kind, amount: one per line) or uploads the collector's
sheet (CSV or Excel, read as the members import reads its files), checks them (the member names
and the total are shown before anything is booked), then confirms. Bad rows are named by their
line number and nothing is saved. The confirmation carries an idempotency key, so pressing it
twice books once."""

import re
import uuid

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import DomainError
from kopdes.core.money import parse_rupiah
from kopdes.members import imports
from kopdes.members.errors import InvalidImportFile
from kopdes.savings import selectors, services
from kopdes.savings.models import Kind
from kopdes.web.access import cooperative_page
from kopdes.web.errors import form_add_domain_error
from kopdes.web.formflow import form_status, handle_form
from kopdes.web.forms import date_input, plain_int
from kopdes.web.views.savings import SAVINGS

KINDS = {
    "pokok": Kind.POKOK,
    "p": Kind.POKOK,
    "wajib": Kind.WAJIB,
    "w": Kind.WAJIB,
    "sukarela": Kind.SUKARELA,
    "s": Kind.SUKARELA,
}
_SPLIT = re.compile(r"\s*[;\t]\s*|\s+")
# Sheet headers, matched loosely (lower case, spaces squeezed).
NUMBER_HEADERS = {"niak", "no anggota", "no. anggota", "nomor anggota", "no"}
KIND_HEADERS = {"jenis", "jenis simpanan", "simpanan"}
AMOUNT_HEADERS = {"jumlah", "jumlah (rp)", "nominal", "setoran", "rp"}


def _kind(text: str) -> str | None:
    key = " ".join(text.lower().split()).removeprefix("simpanan ").strip()
    return KINDS.get(key)


def _sheet_rows(upload) -> list[str]:
    """The sheet's rows as 'number kind amount' lines: the first sheet of an .xlsx or a CSV,
    with or without a header row (NIAK | Jenis | Jumlah). Raises InvalidImportFile."""
    content = upload.read(imports.MAX_BYTES + 1)
    name = (upload.name or "").lower()
    if not content:
        raise InvalidImportFile(fields={"sheet": [_("The file is empty.")]})
    if len(content) > imports.MAX_BYTES:
        raise InvalidImportFile(
            fields={"sheet": [_("The file is larger than 5 MB: split it into several files.")]}
        )
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        table = imports._rows_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        table = imports._rows_csv(content)
    else:
        raise InvalidImportFile(
            fields={"sheet": [_("Upload an Excel workbook (.xlsx) or a CSV file.")]}
        )
    table = [r for r in table if any(str(c or "").strip() for c in r)]
    columns = (0, 1, 2)
    if table:
        header = [" ".join(str(c or "").lower().split()) for c in table[0]]

        def find(names: set[str], default: int) -> int:
            return next((i for i, h in enumerate(header) if h in names), default)

        if any(h in NUMBER_HEADERS | KIND_HEADERS | AMOUNT_HEADERS for h in header):
            columns = (find(NUMBER_HEADERS, 0), find(KIND_HEADERS, 1), find(AMOUNT_HEADERS, 2))
            table = table[1:]

    def cell(row: list, index: int) -> str:
        value = row[index] if index < len(row) else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value if value is not None else "").strip()

    return [" ; ".join(cell(row, i) for i in columns) for row in table]


CHANNELS = [("cash", gettext_lazy("Cash")), ("bank", gettext_lazy("Bank transfer"))]


class CollectiveForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    channel = forms.ChoiceField(label=gettext_lazy("Received as"), choices=CHANNELS)
    rows = forms.CharField(
        label=gettext_lazy("Rows: member number, kind, amount (one per line)"),
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "12 wajib 25.000\n15 sukarela 50.000"}
        ),
        required=False,
        max_length=50_000,
        help_text=gettext_lazy("Kinds: pokok, wajib, sukarela (or p, w, s)."),
    )
    sheet = forms.FileField(
        label=gettext_lazy("Or the collector's sheet (CSV or Excel: NIAK, Jenis, Jumlah)"),
        required=False,
    )
    memo = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.lines: list[tuple] = []  # (member, kind, amount), in line order

    def clean(self):
        super().clean()
        data = self.cleaned_data
        on = data.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", _("The date cannot be in the future."))
        texts = [t for t in (data.get("rows") or "").splitlines() if t.strip()]
        if data.get("sheet"):
            try:
                texts = _sheet_rows(data["sheet"])
            except DomainError as error:
                form_add_domain_error(self, error)
                return data
        if not texts:
            self.add_error("rows", _("Enter at least one line."))
            return data
        if len(texts) > services.COLLECTIVE_MAX_LINES:
            self.add_error(
                "rows",
                _("No more than %(max)s lines in one collective deposit: split the sheet.")
                % {"max": services.COLLECTIVE_MAX_LINES},
            )
            return data
        problems = []
        for n, text in enumerate(texts, start=1):
            parts = _SPLIT.split(text.strip(), maxsplit=2)
            why = None
            member = kind = amount = None
            if len(parts) < 3:
                why = _("write the member number, the kind and the amount.")
            else:
                number, kind_text, amount_text = parts
                kind = _kind(kind_text)
                try:
                    amount = int(parse_rupiah(amount_text))
                except ValueError:
                    amount = None
                niak = plain_int(number)
                member = (
                    selectors.member_by_number(cooperative=self.cooperative, number=niak)
                    if niak is not None
                    else None
                )
                if member is None:
                    why = _("no member with number %(number)s.") % {"number": number}
                elif kind is None:
                    why = _("choose simpanan pokok, wajib or sukarela.")
                elif amount is None or amount <= 0:
                    why = _("the amount must be a whole number of rupiah above zero.")
            if why:
                problems.append(_("Line %(line)s: %(problem)s") % {"line": n, "problem": why})
            else:
                self.lines.append((member, kind, amount))
        for problem in problems:
            self.add_error("rows", problem)
        # What is confirmed is what was checked: the rows, one per line, without the file.
        data["rows"] = "\n".join(t.strip() for t in texts)
        return data


def _confirm_form(form: CollectiveForm) -> CollectiveForm:
    """The checked rows as hidden fields for the confirmation."""
    data = form.cleaned_data
    return CollectiveForm(
        initial={
            "on": data["on"],
            "channel": data["channel"],
            "rows": data["rows"],
            "memo": data["memo"],
            "idempotency_key": data["idempotency_key"],
        },
        cooperative=form.cooperative,
    )


@cooperative_page(Capability.HANDLE_CASH)
def savings_collective(request, cooperative: Cooperative):
    initial = {"on": timezone.localdate(), "idempotency_key": uuid.uuid4().hex}
    form = CollectiveForm(
        request.POST or None, request.FILES or None, cooperative=cooperative, initial=initial
    )
    context = {"cooperative": cooperative, "form": form}

    def page(status: int):
        return render(request, "web/savings/collective.html", context, status=status)

    if request.method == "POST" and request.POST.get("action") == "confirm":
        return handle_form(
            request,
            form,
            save=lambda data: services.savings_collective_deposit(
                actor=request.user,
                cooperative=cooperative,
                on=data["on"],
                channel=data["channel"],
                lines=form.lines,
                idempotency_key=data["idempotency_key"],
                memo=data["memo"],
            ),
            message=lambda done: (
                _("Recorded as %(journal)s with %(count)s receipts.")
                % {"journal": str(done.entry), "count": len(done.transactions)}
            ),
            success=lambda done: render(
                request,
                "web/savings/collective_done.html",
                {"cooperative": cooperative, "done": done},
            ),
            page=page,
        )
    if request.method == "POST" and form.is_valid():  # checked: shown for confirmation
        data = form.cleaned_data
        context.update(
            preview=[
                (n, member, Kind(kind).label, amount)
                for n, (member, kind, amount) in enumerate(form.lines, start=1)
            ],
            total=sum(amount for _m, _k, amount in form.lines),
            confirm=_confirm_form(form),
            channel_label=dict(CHANNELS)[data["channel"]],
        )
    return page(form_status(form))


urlpatterns = [
    path(SAVINGS + "setoran-kolektif/", savings_collective, name="savings_collective"),
]
