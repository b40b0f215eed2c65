"""Pure rules of announcements and documents (no ORM): plain text, file types, the WhatsApp text."""

import re
from datetime import date

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 3000
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024  # 5 MB: a scanned AD/ART of a few pages
WHATSAPP_MAX_LENGTH = 4096  # WhatsApp refuses a longer message

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def file_kind(head: bytes) -> str | None:
    """The document type from its first bytes (never from its name or the browser's claim):
    "pdf", "png", "jpeg" or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def has_markup(text: str) -> bool:
    """True when `text` holds an HTML tag: announcements are plain text."""
    return bool(_TAG.search(text))


def clean_text(text: str) -> str:
    """Line endings made \\n, trailing spaces of each line and blank lines around removed."""
    lines = [
        line.rstrip() for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return "\n".join(lines).strip()


def date_id(day: date) -> str:
    """`1 Desember 2026`: the date as written in an Indonesian message."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def whatsapp_text(*, cooperative: str, day: date, title: str, body: str) -> str:
    """The announcement as one WhatsApp message: plain text, the cooperative's name, the date,
    the title in bold (WhatsApp's *...*) and the text; cut with "..." to stay under WhatsApp's
    limit."""
    head = f"*{cooperative}*\n{date_id(day)}\n\n*{title}*\n\n"
    text = head + body
    if len(text) > WHATSAPP_MAX_LENGTH:
        text = text[: WHATSAPP_MAX_LENGTH - 3].rstrip() + "..."
    return text
