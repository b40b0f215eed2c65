"""Funding pages (under `/app/<id>/dana/`, URL names `funding_*`): the funding sources with their
balances, a source's page (receipts, uses, documents, flags), the forms (a new source, money
received, a spending with its evidence, attaching another entry, a document), a use's page with
the pengawas' decision on a flag, the open flags, and the fund-use report (page, PDF, Excel: built
by kopdes.funding.report).
Evidence and documents are streamed only to people who may read the funds. Each view parses,
authorises (`cooperative_page`), calls one funding service or read, and renders."""

import uuid
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.funding import access, report, rules, selectors, services
from kopdes.funding.errors import EntryNotOutgoing
from kopdes.funding.models import FundingSource, SourceKind
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.files import private_file_response
from kopdes.web.formflow import handle_form
from kopdes.web.forms import AsciiIntegerField, date_input
from kopdes.web.views.savings import RupiahInput

DANA = "app/<uuid:cooperative_id>/dana/"
SOURCE = DANA + "<uuid:source_id>/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_HELP = gettext_lazy("A JPEG, PNG or WebP photo or a PDF, at most 2 MB.")


def _line_choices() -> list[tuple[str, Any]]:
    return list(rules.BUSINESS_LINES.items())


def _source(cooperative: Cooperative, source_id: uuid.UUID) -> FundingSource:
    return found_or_404(access.source_for, cooperative=cooperative, public_id=source_id)


def _form_page(request, cooperative, form, *, title, intro="", source=None, status=200):
    return render(
        request,
        "web/funding/form.html",
        {
            "cooperative": cooperative,
            "form": form,
            "title": title,
            "intro": intro,
            "source": source,
            "multipart": any(isinstance(f, forms.FileField) for f in form.fields.values()),
        },
        status=status,
    )


# --- sources --------------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_FUNDING)
def funding(request, cooperative: Cooperative):
    """The funding sources with what was received, used and is left of each."""
    return render(
        request,
        "web/funding/list.html",
        {
            "cooperative": cooperative,
            "rows": selectors.fund_use(cooperative),
            "can_manage": Capability.MANAGE_FUNDING in request.capabilities,
        },
    )


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SourceKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    partner = forms.CharField(
        label=gettext_lazy("Partner (company, dinas or bank)"), max_length=150, required=False
    )
    agreement_number = forms.CharField(
        label=gettext_lazy("Agreement number"), max_length=100, required=False
    )
    agreement_date = forms.DateField(
        label=gettext_lazy("Agreement date"), widget=date_input(), required=False
    )
    amount = RupiahInput(label=gettext_lazy("Committed amount (Rp)"))
    restricted = forms.BooleanField(
        label=gettext_lazy("Restricted to the permitted business lines"),
        required=False,
        initial=True,
    )
    permitted_lines = forms.MultipleChoiceField(
        label=gettext_lazy("Permitted business lines"),
        choices=_line_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@cooperative_page(Capability.MANAGE_FUNDING)
def funding_source_new(request, cooperative: Cooperative):
    form = SourceForm(request.POST or None, initial={"restricted": True, "kind": "csr"})
    return handle_form(
        request,
        form,
        save=lambda data: services.funding_source_create(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=lambda source: _("Funding source %(name)s recorded.") % {"name": source.name},
        success=lambda source: redirect(
            "web:funding_source", cooperative.public_id, source.public_id
        ),
        page=lambda status: _form_page(
            request,
            cooperative,
            form,
            title=_("New funding source"),
            intro=_(
                "A CSR grant or an APBD hibah is usually restricted: name the business lines "
                "its agreement allows."
            ),
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_FUNDING)
def funding_source(request, cooperative: Cooperative, source_id):
    """One source: its totals by line, receipts, uses (flags marked), documents."""
    source = _source(cooperative, source_id)
    caps = request.capabilities
    [row] = selectors.fund_use(cooperative, source)
    uses = list(selectors.uses(source))
    for use in uses:
        use.line_text = rules.line_label(use.line)  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "web/funding/source.html",
        {
            "cooperative": cooperative,
            "source": source,
            "row": row,
            "permitted": [rules.line_label(line) for line in source.permitted_lines],
            "receipts": selectors.receipts(source),
            "uses": uses,
            "documents": source.documents.all(),
            "can_manage": Capability.MANAGE_FUNDING in caps
            and source.status == FundingSource.Status.ACTIVE,
            "can_books": Capability.VIEW_BOOKS in caps,
        },
    )


# --- money in and out -------------------------------------------------------------------------


class ReceiveForm(forms.Form):
    amount = RupiahInput(label=gettext_lazy("Amount received (Rp)"))
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    channel = forms.ChoiceField(
        label=gettext_lazy("Received into"),
        choices=[
            ("bank", gettext_lazy("Bank account")),
            ("cash", gettext_lazy("Office cash")),
        ],
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


@cooperative_page(Capability.MANAGE_FUNDING)
def funding_receive(request, cooperative: Cooperative, source_id):
    source = _source(cooperative, source_id)
    form = ReceiveForm(
        request.POST or None, initial={"on": clock.today(), "idempotency_key": uuid.uuid4().hex}
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.fund_receive(
            actor=request.user,
            source=source,
            amount=data["amount"],
            on=data["on"],
            channel=data["channel"],
            idempotency_key=data["idempotency_key"] or None,
        ),
        message=_("The receipt was recorded and posted."),
        success=reverse("web:funding_source", args=[cooperative.public_id, source.public_id]),
        page=lambda status: _form_page(
            request,
            cooperative,
            form,
            title=_("Money received: %(name)s") % {"name": source.name},
            source=source,
            status=status,
        ),
    )


class SpendForm(forms.Form):
    line = forms.ChoiceField(label=gettext_lazy("Business line"), choices=_line_choices)
    kind = forms.ChoiceField(
        label=gettext_lazy("What the money buys"),
        choices=[
            ("asset", gettext_lazy("Asset purchase")),
            ("expense", gettext_lazy("Operating expense")),
            ("working_capital", gettext_lazy("Working capital for a gerai")),
        ],
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Gerai (for working capital)"),
        queryset=BusinessUnit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="—",
    )
    amount = RupiahInput(label=gettext_lazy("Amount (Rp)"))
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    channel = forms.ChoiceField(
        label=gettext_lazy("Paid from"),
        choices=[
            ("bank", gettext_lazy("Bank account")),
            ("cash", gettext_lazy("Office cash")),
        ],
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    payee = forms.CharField(label=gettext_lazy("Paid to"), max_length=150, required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence (receipt photo or document)"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = BusinessUnit.objects.filter(  # type: ignore[attr-defined]  # ModelChoiceField
            cooperative=cooperative
        ).exclude(kind=BusinessUnit.Kind.OFFICE)
        self.fields["evidence"].help_text = UPLOAD_HELP


@cooperative_page(Capability.MANAGE_FUNDING)
def funding_spend(request, cooperative: Cooperative, source_id):
    source = _source(cooperative, source_id)
    form = SpendForm(
        request.POST or None,
        request.FILES or None,
        initial={"on": clock.today(), "idempotency_key": uuid.uuid4().hex},
        cooperative=cooperative,
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.fund_spend(
            actor=request.user,
            source=source,
            line=data["line"],
            unit=data["unit"],
            kind=data["kind"],
            amount=data["amount"],
            on=data["on"],
            description=data["description"],
            payee=data["payee"],
            evidence=data["evidence"],
            channel=data["channel"],
            idempotency_key=data["idempotency_key"] or None,
        ),
        message=lambda use: (
            _("The spending was recorded and flagged to the pengawas.")
            if use.flagged
            else _("The spending was recorded and posted.")
        ),
        success=reverse("web:funding_source", args=[cooperative.public_id, source.public_id]),
        page=lambda status: _form_page(
            request,
            cooperative,
            form,
            title=_("Spend from %(name)s") % {"name": source.name},
            intro=_permitted_text(source),
            source=source,
            status=status,
        ),
    )


def _permitted_text(source: FundingSource) -> str:
    if not source.restricted:
        return _("This fund is not restricted: any business line may be named.")
    lines = ", ".join(rules.line_label(line) for line in source.permitted_lines)
    return _("This fund may be used for: %(lines)s.") % {"lines": lines}


class AttachForm(forms.Form):
    number = AsciiIntegerField(
        label=gettext_lazy("Journal entry number"), min_value=1, max_value=10**12
    )
    line = forms.ChoiceField(label=gettext_lazy("Business line"), choices=_line_choices)
    amount = RupiahInput(label=gettext_lazy("Amount attributed to the fund (Rp)"))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    evidence = forms.FileField(label=gettext_lazy("Evidence (receipt photo or document)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = UPLOAD_HELP


@cooperative_page(Capability.MANAGE_FUNDING)
def funding_attach(request, cooperative: Cooperative, source_id):
    """Attribute part of an entry that paid money out (a goods receipt paid from the bank) to
    the fund: picked by its number among the recent ones listed."""
    source = _source(cooperative, source_id)
    form = AttachForm(request.POST or None, request.FILES or None)

    def save(data):
        entry = selectors.attachable_entries(cooperative, number=data["number"]).first()
        if entry is None:
            raise EntryNotOutgoing(
                fields={"number": [EntryNotOutgoing(number=data["number"]).render()]},
                number=data["number"],
            )
        return services.fund_attach(
            actor=request.user,
            source=source,
            line=data["line"],
            entry=entry,
            amount=data["amount"],
            evidence=data["evidence"],
            description=data["description"],
        )

    def page(status):
        return render(
            request,
            "web/funding/attach.html",
            {
                "cooperative": cooperative,
                "form": form,
                "source": source,
                "intro": _permitted_text(source),
                "entries": selectors.attachable_entries(cooperative)[:15],
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The entry was attributed to the fund."),
        success=reverse("web:funding_source", args=[cooperative.public_id, source.public_id]),
        page=page,
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=150)
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = UPLOAD_HELP


@cooperative_page(Capability.MANAGE_FUNDING)
def funding_document_add(request, cooperative: Cooperative, source_id):
    source = _source(cooperative, source_id)
    form = DocumentForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.funding_document_add(
            actor=request.user, source=source, title=data["title"], file=data["file"]
        ),
        message=_("The document was kept."),
        success=reverse("web:funding_source", args=[cooperative.public_id, source.public_id]),
        page=lambda status: _form_page(
            request,
            cooperative,
            form,
            title=_("Add a document: %(name)s") % {"name": source.name},
            intro=_("The agreement, a letter or a report of this funding source."),
            source=source,
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_FUNDING)
def funding_document(request, cooperative: Cooperative, source_id, funding_document_id):
    source = _source(cooperative, source_id)
    document = found_or_404(access.document_for, source=source, public_id=funding_document_id)
    return private_file_response(document.file)


# --- a use and its flag -------------------------------------------------------------------------


class FlagForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("acknowledged", gettext_lazy("Acknowledged (follow-up asked)")),
            ("resolved", gettext_lazy("Resolved")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note of the pengawas"), widget=forms.Textarea(attrs={"rows": 3})
    )


@cooperative_page(Capability.VIEW_FUNDING, write=Capability.REVIEW_FUNDING)
def funding_use(request, cooperative: Cooperative, source_id, use_id):
    """One use with its evidence; for a flagged use, the pengawas' decision."""
    source = _source(cooperative, source_id)
    use = found_or_404(access.use_for, source=source, public_id=use_id)
    can_decide = (
        Capability.REVIEW_FUNDING in request.capabilities
        and use.flagged
        and use.flag_state != "resolved"
    )
    form = FlagForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.fund_flag_decide(
            actor=request.user, use=use, state=data["state"], note=data["note"]
        ),
        message=_("The decision was recorded."),
        success=reverse(
            "web:funding_use", args=[cooperative.public_id, source.public_id, use.public_id]
        ),
        page=lambda status: render(
            request,
            "web/funding/use.html",
            {
                "cooperative": cooperative,
                "source": source,
                "use": use,
                "line": rules.line_label(use.line),
                "form": form if can_decide or request.method == "POST" else None,
                "can_books": Capability.VIEW_BOOKS in request.capabilities,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_FUNDING)
def funding_use_evidence(request, cooperative: Cooperative, source_id, use_id):
    source = _source(cooperative, source_id)
    use = found_or_404(access.use_for, source=source, public_id=use_id)
    return private_file_response(use.evidence)


@cooperative_page(Capability.VIEW_FUNDING)
def funding_flags(request, cooperative: Cooperative):
    """Uses outside a restricted fund's permitted lines, until the pengawas resolves them."""
    rows = list(selectors.open_flags(cooperative))
    for use in rows:
        use.line_text = rules.line_label(use.line)  # type: ignore[attr-defined]  # for the template
    return render(request, "web/funding/flags.html", {"cooperative": cooperative, "rows": rows})


# --- the fund-use report ------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_FUNDING)
def funding_report(request, cooperative: Cooperative):
    """Per fund and per partner, as of today: received, used by business line, balance,
    evidence; every use with its evidence link. `?format=pdf` or `?format=xlsx`
    (kopdes.funding.report builds all three)."""
    today = clock.today()
    built = report.fund_use_report(cooperative, today)
    fmt = request.GET.get("format")
    if fmt in ("pdf", "xlsx"):
        if fmt == "pdf":
            response = HttpResponse(
                report.fund_use_report_pdf(built), content_type="application/pdf"
            )
        else:
            response = HttpResponse(report.fund_use_report_xlsx(built), content_type=XLSX)
        name = f"penggunaan-dana-{cooperative.code}-{today.isoformat()}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    for row, uses in built.details:
        for use in uses:
            use.evidence_url = reverse(  # type: ignore[attr-defined]  # for the template
                "web:funding_use_evidence",
                args=[cooperative.public_id, row.source.public_id, use.public_id],
            )
    return render(request, "web/funding/report.html", {"cooperative": cooperative, "report": built})


urlpatterns = [
    path(DANA, funding, name="funding"),
    path(DANA + "baru/", funding_source_new, name="funding_source_new"),
    path(DANA + "laporan/", funding_report, name="funding_report"),
    path(DANA + "tanda/", funding_flags, name="funding_flags"),
    path(SOURCE, funding_source, name="funding_source"),
    path(SOURCE + "terima/", funding_receive, name="funding_receive"),
    path(SOURCE + "belanja/", funding_spend, name="funding_spend"),
    path(SOURCE + "lampirkan/", funding_attach, name="funding_attach"),
    path(SOURCE + "dokumen/", funding_document_add, name="funding_document_add"),
    path(SOURCE + "dokumen/<uuid:funding_document_id>/", funding_document, name="funding_document"),
    path(SOURCE + "penggunaan/<uuid:use_id>/", funding_use, name="funding_use"),
    path(
        SOURCE + "penggunaan/<uuid:use_id>/bukti/",
        funding_use_evidence,
        name="funding_use_evidence",
    ),
]
