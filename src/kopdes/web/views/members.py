"""Member pages: the list, registration, a member's page and its actions, pending requests,
import, the KTP photo (VIEW_KTP only), the member card with its QR code, and the public card
check. Views parse, authorise, call one service, and render."""

import uuid

import segno
from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.masking import mask_identity_number
from kopdes.members import activation, imports, selectors, services
from kopdes.members.models import MaritalStatus, Member
from kopdes.members.rules import IMAGE_CONTENT_TYPES, image_type
from kopdes.savings import selectors as savings_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import ActionForm, form_status, handle_form
from kopdes.web.forms import AsciiIntegerField, date_input
from kopdes.web.receipts import ledger_receipt

PAGE_SIZE = 25
DATE_INPUT = date_input()


def _member(cooperative: Cooperative, member_id) -> Member:
    try:
        return selectors.member_get(cooperative=cooperative, public_id=member_id)
    except NotFound:
        raise Http404 from None


class MemberForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name (as on the KTP)"), max_length=150)
    nik = forms.CharField(label=gettext_lazy("NIK"), max_length=20)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Member.Sex.choices)
    birth_place = forms.CharField(
        label=gettext_lazy("Place of birth"), max_length=100, required=False
    )
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), widget=DATE_INPUT)
    marital_status = forms.ChoiceField(
        label=gettext_lazy("Marital status (as on the KTP)"),
        choices=[("", "—"), *MaritalStatus.choices],
        required=False,
        help_text=gettext_lazy("Under 17, only a married person can be a member."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address (street, RT/RW)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    domicile_code = forms.CharField(
        label=gettext_lazy("Desa/kelurahan code of domicile"),
        max_length=13,
        help_text=gettext_lazy("Only residents of the cooperative's own desa/kelurahan can join."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20, required=False)
    occupation = forms.CharField(label=gettext_lazy("Occupation"), max_length=100, required=False)
    kk_number = forms.CharField(
        label=gettext_lazy("KK (family card) number"), max_length=20, required=False
    )
    ktp_photo = forms.FileField(
        label=gettext_lazy("KTP photo (JPEG, PNG or WebP, at most 2 MB)"), required=False
    )
    approve = forms.BooleanField(
        label=gettext_lazy("Approve at once (gives the member number)"), required=False
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[(s, Member.Status(s).label) for s in Member.ENDED],
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class KKForm(forms.Form):
    kk_number = forms.CharField(label=gettext_lazy("New KK number"), max_length=20)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DATE_INPUT)


class ContactForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20, required=False)
    address = forms.CharField(
        label=gettext_lazy("Address (street, RT/RW)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    occupation = forms.CharField(label=gettext_lazy("Occupation"), max_length=100, required=False)


class PhotoForm(forms.Form):
    ktp_photo = forms.FileField(label=gettext_lazy("KTP photo (JPEG, PNG or WebP, at most 2 MB)"))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Member file (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB: split it into several files."), code="too_large"
            )
        return upload


class ImportCommitForm(forms.Form):
    """The dry run's buttons: import all rows or none, or only the good ones."""

    action = forms.ChoiceField(choices=[("all", "all"), ("good", "good")])


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *Member.Status.choices],
        required=False,
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"),
        choices=[("", gettext_lazy("Both")), *Member.Sex.choices],
        required=False,
    )
    year = AsciiIntegerField(
        label=gettext_lazy("Joined in"), min_value=1900, max_value=2200, required=False
    )


@cooperative_page(Capability.VIEW_MEMBERS)
def member_list(request, cooperative: Cooperative):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    caps = request.capabilities
    rows = selectors.member_list(
        cooperative=cooperative,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        sex=filters.get("sex", ""),
        joined_year=filters.get("year"),
        allow_nik=bool({Capability.MANAGE_MEMBERS, Capability.HANDLE_CASH} & caps),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/members/list.html",
        {
            "cooperative": cooperative,
            "form": form,
            "page": page,
            "counts": selectors.status_counts(cooperative=cooperative),
            "years": selectors.joined_years(cooperative=cooperative),
            "can_manage": Capability.MANAGE_MEMBERS in caps,
        },
        status=form_status(form),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
def member_new(request, cooperative: Cooperative):
    form = MemberForm(
        request.POST or None,
        request.FILES or None,
        initial={"domicile_code": cooperative.village_id},
    )

    def message(member: Member) -> str:
        if member.status == Member.Status.ACTIVE:
            return _("%(name)s is a member, number %(niak)s.") % {
                "name": member.full_name,
                "niak": member.niak,
            }
        return _("%(name)s is registered and waits for approval.") % {"name": member.full_name}

    return handle_form(
        request,
        form,
        save=lambda data: services.member_register(
            actor=request.user,
            cooperative=cooperative,
            full_name=data["full_name"],
            nik=data["nik"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_place=data["birth_place"],
            address=data["address"],
            domicile_code=data["domicile_code"],
            phone=data["phone"],
            occupation=data["occupation"],
            kk_number=data["kk_number"],
            ktp_photo=data["ktp_photo"],
            approve=data["approve"],
            marital_status=data["marital_status"],
        ),
        message=message,
        success=lambda member: redirect("web:member", cooperative.public_id, member.public_id),
        page=lambda status: render(
            request,
            "web/members/new.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


def _detail(request, cooperative: Cooperative, member: Member, *, bound=None, status=200):
    caps = request.capabilities
    can_manage = Capability.MANAGE_MEMBERS in caps
    today = timezone.localdate()
    forms_ = {}
    if can_manage:
        forms_ = {
            "reject_form": RejectForm(),
            "status_form": StatusForm(initial={"on": today}),
            "kk_form": KKForm(initial={"valid_from": today}),
            "contact_form": ContactForm(
                initial={
                    "phone": member.phone,
                    "address": member.address,
                    "occupation": member.occupation,
                }
            ),
            "photo_form": PhotoForm(),
        }
        forms_.update(bound or {})
    history = selectors.member_history(member=member)
    return render(
        request,
        "web/members/detail.html",
        {
            "cooperative": cooperative,
            "member": member,
            "nik": member.nik if can_manage else mask_identity_number(member.nik),
            "kk_number": member.kk_number if can_manage else mask_identity_number(member.kk_number),
            "warnings": selectors.warning_messages(member.nik_warnings),
            "status_changes": history["status_changes"],
            "kk_history": history["kk_history"],
            "can_manage": can_manage,
            "can_view_ktp": Capability.VIEW_KTP in caps and bool(member.ktp_photo),
            "has_account": member.user is not None and member.user.has_usable_password(),
            "may_get_code": member.status in activation.ISSUABLE,
            **forms_,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_MEMBERS)
def member_detail(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _detail(request, cooperative, _member(cooperative, member_id))


def _action(request, cooperative, member_id, form_class, form_name, call, success):
    """A POST from one of the member page's forms: the service, then back to the page (or the
    page again with the form's errors, 400)."""
    member = _member(cooperative, member_id)
    form = form_class(request.POST, request.FILES)
    return handle_form(
        request,
        form,
        save=lambda data: call(member, data),
        message=success,
        success=reverse("web:member", args=[cooperative.public_id, member.public_id]),
        # read again: the refused service may have locked and changed the Python object
        page=lambda status: _detail(
            request,
            cooperative,
            _member(cooperative, member_id),
            bound={form_name: form},
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_approve(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        ActionForm,
        "approve_form",
        lambda m, d: services.member_approve(actor=request.user, member=m),
        _("The membership was approved."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_reject(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        RejectForm,
        "reject_form",
        lambda m, d: services.member_reject(actor=request.user, member=m, reason=d["reason"]),
        _("The request was rejected."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_status(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        StatusForm,
        "status_form",
        lambda m, d: services.member_status_change(
            actor=request.user, member=m, status=d["status"], on=d["on"], reason=d["reason"]
        ),
        _("The membership status was changed."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_kk(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        KKForm,
        "kk_form",
        lambda m, d: services.member_update_kk(
            actor=request.user, member=m, kk_number=d["kk_number"], valid_from=d["valid_from"]
        ),
        _("The KK number was recorded."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_contact(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        ContactForm,
        "contact_form",
        lambda m, d: services.member_update_contact(actor=request.user, member=m, **d),
        _("The contact details were saved."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_photo(request, cooperative: Cooperative, member_id: uuid.UUID):
    return _action(
        request,
        cooperative,
        member_id,
        PhotoForm,
        "photo_form",
        lambda m, d: services.member_set_ktp_photo(
            actor=request.user, member=m, photo=d["ktp_photo"]
        ),
        _("The KTP photo was stored."),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
@require_POST
def member_activation_code(request, cooperative: Cooperative, member_id: uuid.UUID):
    """Issue a one-time activation code for the member app and show it once, on a slip to
    print and hand over (a new code replaces the one before; only its hash is kept)."""
    member = _member(cooperative, member_id)
    form = ActionForm(request.POST)

    def slip(result) -> HttpResponse:
        code, row = result
        return render(
            request,
            "web/members/activation_slip.html",
            {"cooperative": cooperative, "member": member, "code": code, "row": row},
        )

    return handle_form(
        request,
        form,
        save=lambda data: activation.activation_code_issue(actor=request.user, member=member),
        success=slip,
        page=lambda status: _detail(
            request,
            cooperative,
            _member(cooperative, member_id),
            bound={"activation_form": form},
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
def member_requests(request, cooperative: Cooperative):
    rows = list(selectors.pending_requests(cooperative=cooperative))
    for row in rows:
        # Attached for the template (member.warning_texts).
        row.warning_texts = selectors.warning_messages(row.nik_warnings)  # type: ignore[attr-defined]
    return render(
        request,
        "web/members/requests.html",
        {"cooperative": cooperative, "requests": rows},
    )


@cooperative_page(Capability.VIEW_KTP)
def member_ktp(request, cooperative: Cooperative, member_id: uuid.UUID):
    """The KTP photo, streamed from private storage to those who may see it (404 otherwise)."""
    member = _member(cooperative, member_id)
    if not member.ktp_photo:
        raise Http404
    try:
        with member.ktp_photo.open("rb") as handle:
            content = handle.read()  # at most 2 MB (checked on upload)
    except FileNotFoundError:
        raise Http404 from None
    kind = image_type(content[:16]) or "jpeg"
    response = HttpResponse(content, content_type=IMAGE_CONTENT_TYPES[kind])
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=5, dark="#000", light="#fff", border=2)


@cooperative_page(Capability.VIEW_MEMBERS)
def member_card(request, cooperative: Cooperative, member_id: uuid.UUID):
    """The card to print: cooperative, name, NIAK and a QR code holding only the URL of the
    public check page (the card id), no personal data."""
    member = _member(cooperative, member_id)
    if member.number is None:
        raise Http404
    check_url = request.build_absolute_uri(reverse("web:card_check", args=[member.card_id]))
    pokok = savings_selectors.pokok_payment(member=member)
    return render(
        request,
        "web/members/card.html",
        {
            "cooperative": cooperative,
            "member": member,
            "check_url": check_url,
            "qr": _qr_svg(check_url),
            "ledger": ledger_receipt(request, pokok.entry) if pokok is not None else None,
        },
    )


def card_check(request, card_id: uuid.UUID):
    """Public (no login): is this card valid? Shows the cooperative's name, the member's name
    and NIAK as printed on the card, and the status; nothing else."""
    try:
        card = selectors.card_check(card_id=card_id)
    except NotFound:
        return render(request, "web/members/card_check.html", {"card": None}, status=404)
    response = render(request, "web/members/card_check.html", {"card": card})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@cooperative_page(Capability.MANAGE_MEMBERS)
def member_import(request, cooperative: Cooperative):
    """Upload -> dry run (every bad row with its reasons) -> import all or only the good rows."""
    committing = request.method == "POST" and request.POST.get("action") in ("all", "good")
    form = ImportForm(
        request.POST if request.method == "POST" and not committing else None, request.FILES or None
    )
    context: dict = {"cooperative": cooperative}

    def page(status: int):
        context.update(form=form, recent=list(selectors.imports(cooperative=cooperative)[:10]))
        return render(request, "web/members/import.html", context, status=status)

    if committing:
        try:
            record = selectors.import_get(
                cooperative=cooperative, public_id=request.POST.get("import", "")
            )
        except NotFound:
            raise Http404 from None
        commit_form = ImportCommitForm(request.POST)
        form = ImportForm()
        context.update(
            record=record,
            summary=record.report[0] if record.report else None,
            commit_form=commit_form,
        )

        def message(result) -> str:
            done, report = result
            if report.already_imported is not None:
                return _("This file was imported before; nothing was imported again.")
            return _("%(count)s members were imported.") % {"count": done.rows_imported}

        return handle_form(
            request,
            commit_form,
            save=lambda data: imports.member_import_commit(
                actor=request.user,
                cooperative=cooperative,
                file_name=record.file_name,
                content=imports.stored_content(member_import=record),
                good_rows_only=data["action"] == "good",
            ),
            message=message,
            success=reverse("web:member_import", args=[cooperative.public_id]),
            page=page,
        )

    def checked(result):
        record, report = result
        context.update(record=record, summary=record.report[0], report=report)
        return page(200)

    return handle_form(
        request,
        form,
        save=lambda data: imports.member_import_check(
            actor=request.user,
            cooperative=cooperative,
            file_name=data["file"].name,
            content=data["file"].read(),
        ),
        success=checked,
        page=page,
    )


@cooperative_page(Capability.MANAGE_MEMBERS)
def member_import_template(request, cooperative: Cooperative):
    response = HttpResponse(
        imports.import_template(cooperative=cooperative),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="template-anggota.xlsx"'
    return response


P = "app/<uuid:cooperative_id>/anggota/"
M = P + "<uuid:member_id>/"

urlpatterns = [
    path(P, member_list, name="members"),
    path(P + "baru/", member_new, name="member_new"),
    path(P + "permohonan/", member_requests, name="member_requests"),
    path(P + "impor/", member_import, name="member_import"),
    path(P + "impor/template.xlsx", member_import_template, name="member_import_template"),
    path(M, member_detail, name="member"),
    path(M + "setujui/", member_approve, name="member_approve"),
    path(M + "tolak/", member_reject, name="member_reject"),
    path(M + "status/", member_status, name="member_status"),
    path(M + "kk/", member_kk, name="member_kk"),
    path(M + "kontak/", member_contact, name="member_contact"),
    path(M + "foto-ktp/", member_photo, name="member_photo"),
    path(M + "kode-aktivasi/", member_activation_code, name="member_activation_code"),
    path(M + "ktp/", member_ktp, name="member_ktp"),
    path(M + "kartu/", member_card, name="member_card"),
    path("kartu/<uuid:card_id>/", card_check, name="card_check"),
]
