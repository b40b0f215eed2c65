"""Private files (evidence, agreements, guarantors' documents) streamed to the people a page lets
read them: a PDF or an image by its first bytes, never cached."""

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse

from kopdes.members.rules import IMAGE_CONTENT_TYPES, image_type


def private_file_response(field: FieldFile) -> HttpResponse:
    """The stored file of `field` (a PDF or a JPEG/PNG/WebP photo), inline and never cached;
    404 when there is none or it is missing from storage."""
    if not field:
        raise Http404
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    if content.startswith(b"%PDF"):
        content_type = "application/pdf"
    else:
        content_type = IMAGE_CONTENT_TYPES[image_type(content[:16]) or "jpeg"]
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
