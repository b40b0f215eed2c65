"""No internal code on screen: every staff page, rendered for place A with data in it (a member,
deposits and their journal entries, a reversal, a pending manual journal, audit rows), shows
labels, never the raw value of a code.

The codes are found, not listed: every `TextChoices` of the project whose value differs from its
label, every journal source and audit action (and audit object type) in the database. A raw
value must not appear in the page's visible text (tags stripped; attributes, URLs, form values,
scripts and styles ignored). In Indonesian every code is checked as a whole word, case-sensitive
(`active`, `simpan_pinjam`, `sale.cash`); in English, where a lowercase value such as `open` is
an ordinary word, the codes with a `.` or `_` in them.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.db import models
from django.test import Client
from django.utils import translation
from security.probe import staff_pages, url_for

from kopdes.core.models import AuditEvent
from kopdes.ledger.models import JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

PAGES = staff_pages()


class _Text(HTMLParser):
    """The text a person reads: no tags, attributes, scripts, styles or form values, and no
    `<code>`: syntax a person types as shown (a posting rule's JSON keys), not a label."""

    HIDDEN = {"script", "style", "textarea", "template", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _choices_classes() -> list[type[models.TextChoices]]:
    found, todo = [], list(models.TextChoices.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.startswith("kopdes.")]


def _label_words(cls) -> set[str]:
    """Words of the labels of the same choices, lowercased, in the active language: a value
    that is also a word of its own labels (`wajib` in "Simpanan wajib", `anggota` in "Anggota",
    `desa` in "Desa") is an ordinary word of the page, not a code."""
    words: set[str] = set()
    for label in cls.labels:
        words.update(w.lower() for w in re.findall(r"\w+", str(label)))
    return words


def raw_codes() -> dict[str, str]:
    """code -> where it comes from (in the active language)."""
    codes: dict[str, str] = {}
    for cls in _choices_classes():
        own = _label_words(cls)
        for value, label in cls.choices:
            if len(value) < 3 or value == str(label) or value.lower() in own:
                continue
            codes[value] = f"{cls.__module__}.{cls.__qualname__}"
    for source in JournalEntry.objects.values_list("source_kind", flat=True).distinct():
        if source:
            codes[source] = "journal source"
    for action, object_type in AuditEvent.objects.values_list("action", "object_type").distinct():
        codes[action] = "audit action"
        if object_type:
            codes[object_type] = "audit object type"
    return codes


def _pattern(code: str) -> re.Pattern:
    return re.compile(rf"(?<![\w.-]){re.escape(code)}(?![\w-]|\.\w)")


@pytest.fixture(scope="module")
def more_data(world, django_db_blocker):
    """An expense and its reversal on top of the world (rolled back with it)."""
    from kopdes.ledger import services as ledger

    with django_db_blocker.unblock():
        place = world.a.place
        expense = ledger.post_event(
            cooperative=place.cooperative,
            event="expense.cash",
            key="5-201",
            amounts={"amount": 15_000},
            date=date(2026, 3, 4),
            memo="Beli ATK",
        )
        ledger.journal_entry_reverse(entry=expense, date=date(2026, 3, 5), actor=place.bendahara)
    return world


def _pages_of(world, client):
    for page in PAGES:
        url = url_for(page, world.a)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        yield page, url, response.content.decode()


def _language_of(html: str) -> str:
    found = re.search(r'<html[^>]*\blang="([\w-]+)"', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_raw_code_on_any_staff_page(world, more_data, language):
    with translation.override(language):
        codes = raw_codes()
    assert {
        "simpan_pinjam",
        "savings.deposit",
        "expense.cash",
        "ledger.manual_journal_draft",
    } <= set(codes)
    if language == "id":
        assert {"active", "reversal", "deposit", "pending"} <= set(codes)
    else:
        codes = {c: w for c, w in codes.items() if "." in c or "_" in c}
    patterns = {code: _pattern(code) for code in codes}
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language
    world.superuser.language = language  # the person's language wins over the cookie
    world.superuser.save(update_fields=["language"])
    client.force_login(world.superuser)
    failures, seen = [], 0
    for page, _url, html in _pages_of(world, client):
        seen += 1
        assert _language_of(html) in (language, ""), f"{page} is not in {language}"
        text = visible_text(html)
        for code, pattern in patterns.items():
            found = pattern.search(text)
            if found:
                around = " ".join(text[max(found.start() - 40, 0) : found.end() + 40].split())
                failures.append(f"{page}: {code} [{codes[code]}] in '…{around}…'")
    assert seen > 30, "the sweep rendered too few pages"
    assert not failures, "raw codes on screen:\n" + "\n".join(failures)
