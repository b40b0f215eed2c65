"""Announcements (pengumuman) and member documents (dokumen): list, publish or schedule,
withdraw, the WhatsApp text; documents uploaded, published, superseded and downloaded.

Officers and supervisors read (Capability.VIEW); the ketua and the sekretaris publish
(PUBLISH_ANNOUNCEMENTS). Members read through the API (`/api/v1/me/announcements`,
`/me/documents`); the public transparency page lists the published AD/ART and RAT results.
"""

import uuid
from urllib.parse import quote

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.announcements import access, rules, selectors, services
from kopdes.announcements.models import Announcement, Document
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import ActionForm, handle_form
from kopdes.web.forms import AsciiIntegerField, date_input

PAGE_SIZE = 25


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=rules.TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=gettext_lazy("Text (plain text, no HTML)"),
        max_length=rules.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Announcement.Kind.choices)
    document = forms.ChoiceField(label=gettext_lazy("Document (optional)"), required=False)
    publish_on = forms.DateField(
        label=gettext_lazy("Show from"),
        widget=date_input(),
        help_text=gettext_lazy("Today, or a later day to schedule it."),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {
            str(d.public_id): d for d in selectors.documents_all(cooperative).filter(published=True)
        }
        choices = [("", _("No document"))]
        choices += [(key, d.title) for key, d in self.documents.items()]
        self.fields["document"].choices = choices  # type: ignore[attr-defined]

    def clean_document(self):
        key = self.cleaned_data.get("document") or ""
        return self.documents.get(key)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Document.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=rules.TITLE_MAX_LENGTH)
    fiscal_year = AsciiIntegerField(label=gettext_lazy("Fiscal year (optional)"), required=False)
    file = forms.FileField(label=gettext_lazy("File (PDF, PNG or JPEG, at most 5 MB)"))
    published = forms.BooleanField(label=gettext_lazy("Visible to members now"), required=False)


class SupersedeForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title of the new version"), max_length=rules.TITLE_MAX_LENGTH
    )
    fiscal_year = AsciiIntegerField(label=gettext_lazy("Fiscal year (optional)"), required=False)
    file = forms.FileField(label=gettext_lazy("File (PDF, PNG or JPEG, at most 5 MB)"))


def _status(announcement: Announcement, today) -> str:
    if announcement.withdrawn_at is not None:
        return "withdrawn"
    return "scheduled" if announcement.publish_on > today else "shown"


@cooperative_page(Capability.VIEW)
def announcements(request, cooperative: Cooperative):
    today = clock.today()
    page = Paginator(selectors.announcements_all(cooperative), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for row in page.object_list:
        row.status = _status(row, today)  # for the template
    return render(
        request,
        "web/announcements/list.html",
        {
            "cooperative": cooperative,
            "page": page,
            "can_publish": Capability.PUBLISH_ANNOUNCEMENTS in request.capabilities,
        },
    )


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_new(request, cooperative: Cooperative):
    form = AnnouncementForm(
        request.POST or None,
        cooperative=cooperative,
        initial={"kind": Announcement.Kind.GENERAL, "publish_on": clock.today()},
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.announcement_publish(
            actor=request.user,
            cooperative=cooperative,
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            document=data["document"],
            publish_on=data["publish_on"],
        ),
        message=lambda a: _("Announcement %(title)s published.") % {"title": a.title},
        success=lambda a: redirect(_announcement_url(cooperative, a)),
        page=lambda status: render(
            request,
            "web/announcements/new.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


def _announcement_url(cooperative: Cooperative, announcement: Announcement) -> str:
    return reverse("web:announcements_detail", args=[cooperative.public_id, announcement.public_id])


def _announcement(cooperative: Cooperative, announcement_id) -> Announcement:
    return found_or_404(access.announcement_of, cooperative=cooperative, public_id=announcement_id)


@cooperative_page(Capability.VIEW)
def announcements_detail(request, cooperative: Cooperative, announcement_id: uuid.UUID):
    announcement = _announcement(cooperative, announcement_id)
    text = selectors.announcement_whatsapp_text(announcement)
    return render(
        request,
        "web/announcements/detail.html",
        {
            "cooperative": cooperative,
            "announcement": announcement,
            "status": _status(announcement, clock.today()),
            "text": text,
            "whatsapp": f"https://wa.me/?text={quote(text)}",
            "can_publish": Capability.PUBLISH_ANNOUNCEMENTS in request.capabilities,
        },
    )


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_withdraw(request, cooperative: Cooperative, announcement_id: uuid.UUID):
    announcement = _announcement(cooperative, announcement_id)
    form = WithdrawForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.announcement_withdraw(
            actor=request.user, announcement=announcement, reason=data["reason"]
        ),
        message=_("The announcement was withdrawn: members no longer see it."),
        success=_announcement_url(cooperative, announcement),
        page=lambda status: render(
            request,
            "web/announcements/withdraw.html",
            {"cooperative": cooperative, "announcement": announcement, "form": form},
            status=status,
        ),
    )


# -- documents --------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW)
def announcements_documents(request, cooperative: Cooperative):
    page = Paginator(selectors.documents_all(cooperative), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/announcements/documents.html",
        {
            "cooperative": cooperative,
            "page": page,
            "can_publish": Capability.PUBLISH_ANNOUNCEMENTS in request.capabilities,
        },
    )


def _document_url(cooperative: Cooperative, document: Document) -> str:
    return reverse("web:announcements_document", args=[cooperative.public_id, document.public_id])


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_document_new(request, cooperative: Cooperative):
    form = DocumentForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.document_add(
            actor=request.user,
            cooperative=cooperative,
            kind=data["kind"],
            title=data["title"],
            file=data["file"],
            fiscal_year=data["fiscal_year"],
            published=data["published"],
        ),
        message=lambda d: _("Document %(title)s stored.") % {"title": d.title},
        success=lambda d: redirect(_document_url(cooperative, d)),
        page=lambda status: render(
            request,
            "web/announcements/document_new.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


def _document(cooperative: Cooperative, document_id) -> Document:
    return found_or_404(access.document_of, cooperative=cooperative, public_id=document_id)


def _document_page(request, cooperative, document, *, template, form=None, status=200):
    return render(
        request,
        template,
        {
            "cooperative": cooperative,
            "document": document,
            "form": form,
            "supersedes": list(document.supersedes.all()),
            "can_publish": Capability.PUBLISH_ANNOUNCEMENTS in request.capabilities,
        },
        status=status,
    )


@cooperative_page(Capability.VIEW)
def announcements_document(request, cooperative: Cooperative, document_id: uuid.UUID):
    document = _document(cooperative, document_id)
    return _document_page(
        request, cooperative, document, template="web/announcements/document.html"
    )


def _toggle(request, cooperative, document_id, *, publish: bool):
    document = _document(cooperative, document_id)
    form = ActionForm(request.POST if request.method == "POST" else None)
    service = services.document_publish if publish else services.document_unpublish
    return handle_form(
        request,
        form,
        save=lambda data: service(actor=request.user, document=document),
        message=(
            _("The document is visible to members.")
            if publish
            else _("The document is hidden from members.")
        ),
        success=_document_url(cooperative, document),
        page=lambda status: _document_page(
            request,
            cooperative,
            document,
            template="web/announcements/document_publish.html",
            form=form,
            status=status,
        ),
    )


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_document_publish(request, cooperative: Cooperative, document_id: uuid.UUID):
    return _toggle(request, cooperative, document_id, publish=True)


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_document_unpublish(request, cooperative: Cooperative, document_id: uuid.UUID):
    return _toggle(request, cooperative, document_id, publish=False)


@cooperative_page(Capability.PUBLISH_ANNOUNCEMENTS)
def announcements_document_supersede(request, cooperative: Cooperative, document_id: uuid.UUID):
    document = _document(cooperative, document_id)
    form = SupersedeForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.document_supersede(
            actor=request.user,
            document=document,
            title=data["title"],
            file=data["file"],
            fiscal_year=data["fiscal_year"],
        ),
        message=lambda d: _("The new version %(title)s replaces the old one.") % {"title": d.title},
        success=lambda d: redirect(_document_url(cooperative, d)),
        page=lambda status: _document_page(
            request,
            cooperative,
            document,
            template="web/announcements/document_supersede.html",
            form=form,
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW)
def announcements_document_file(request, cooperative: Cooperative, document_id: uuid.UUID):
    """The file itself, streamed from private storage to people who may open the cooperative."""
    document = _document(cooperative, document_id)
    return document_response(document)


def document_response(document: Document) -> HttpResponse:
    """A stored document as a download: its own content type, never cached, never sniffed."""
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    extension = document.file.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="dokumen-{document.public_id}.{extension}"'
    return response


P = "app/<uuid:cooperative_id>/pengumuman/"
D = "app/<uuid:cooperative_id>/dokumen/"

urlpatterns = [
    path(P, announcements, name="announcements"),
    path(P + "baru/", announcements_new, name="announcements_new"),
    path(P + "<uuid:announcement_id>/", announcements_detail, name="announcements_detail"),
    path(
        P + "<uuid:announcement_id>/tarik/", announcements_withdraw, name="announcements_withdraw"
    ),
    path(D, announcements_documents, name="announcements_documents"),
    path(D + "baru/", announcements_document_new, name="announcements_document_new"),
    path(D + "<uuid:document_id>/", announcements_document, name="announcements_document"),
    path(
        D + "<uuid:document_id>/terbitkan/",
        announcements_document_publish,
        name="announcements_document_publish",
    ),
    path(
        D + "<uuid:document_id>/sembunyikan/",
        announcements_document_unpublish,
        name="announcements_document_unpublish",
    ),
    path(
        D + "<uuid:document_id>/ganti/",
        announcements_document_supersede,
        name="announcements_document_supersede",
    ),
    path(
        D + "<uuid:document_id>/berkas/",
        announcements_document_file,
        name="announcements_document_file",
    ),
]
