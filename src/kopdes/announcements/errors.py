"""Announcements errors: stable dotted codes (`announcements.<failure>`, one per kind of failure)
for the API, translated messages for people."""

from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, PermissionDenied, ValidationFailed


class NotAllowed(PermissionDenied):
    code = "announcements.not_allowed"
    message = _("You are not allowed to publish announcements or documents here.")


class InvalidAnnouncement(ValidationFailed):
    """A title or text that is missing, too long or holds HTML (`fields` says which)."""

    code = "announcements.invalid_announcement"
    message = _("Some fields of the announcement are not valid.")


class InvalidPublishDate(ValidationFailed):
    code = "announcements.invalid_publish_date"
    message = _("An announcement cannot be dated before today: choose today or a later day.")


class InvalidKind(ValidationFailed):
    code = "announcements.invalid_kind"
    message = _("Choose one of the kinds offered.")


class AlreadyWithdrawn(Conflict):
    code = "announcements.already_withdrawn"
    message = _("This announcement has already been withdrawn.")


class ReasonRequired(ValidationFailed):
    code = "announcements.reason_required"
    message = _("Write the reason for withdrawing the announcement.")


class InvalidDocumentType(ValidationFailed):
    code = "announcements.invalid_document_type"
    message = _("A document must be a PDF, PNG or JPEG file.")


class DocumentTooLarge(ValidationFailed):
    code = "announcements.document_too_large"
    message = _("The document is larger than %(limit)s MB: upload a smaller file.")


class InvalidDocument(ValidationFailed):
    """A document's title, kind or year that is missing or out of range (`fields` says which)."""

    code = "announcements.invalid_document"
    message = _("Some fields of the document are not valid.")


class DocumentSuperseded(Conflict):
    code = "announcements.document_superseded"
    message = _("This document has been replaced by a newer one and cannot be changed.")
