"""The Indonesian catalogue: complete, well-formed, compiled, and used by default.

The .po is read with a small standard-library parser (no polib); the committed .mo is read with
the standard library's `gettext`, so CI machines without GNU gettext still check that it matches
the .po.
"""

import ast
import gettext as stdlib_gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "id" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
_NAMED = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def parse_po(text: str) -> list[dict]:
    """Entries as {"flags": set, "obsolete": bool, "msgid": str, "msgstr": str, ...}."""
    entries: list[dict] = []
    entry: dict | None = None
    key = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "obsolete": False}
            entries.append(entry)
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{PO.name}:{lineno}: cannot parse {line!r}")
    return [e for e in entries if "msgid" in e and not e["obsolete"]]


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [v for k, v in sorted(entry.items()) if k.startswith("msgstr[")]
    return [entry["msgstr"]]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    assert PO.is_file(), f"{PO} is missing: run `kopdes makemessages -l id`"
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [e for e in entries if e["msgid"] != ""]


def test_header_declares_indonesian_utf8_and_one_plural_form(entries):
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    fields = dict(line.split(":", 1) for line in header["msgstr"].splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["Language"] == "id"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_no_entry_is_fuzzy_or_empty(messages):
    assert len(messages) > 300
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in messages if not all(s.strip() for s in translations(e))]
    assert fuzzy == []
    assert empty == []


def test_plural_entries_have_exactly_one_form(messages):
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals
    for entry in plurals:
        assert len(translations(entry)) == 1, entry["msgid"]


def test_placeholders_and_percent_escapes_are_kept(messages):
    for entry in messages:
        source = entry["msgid"] + entry.get("msgid_plural", "")
        for text in translations(entry):
            assert set(_NAMED.findall(text)) == set(_NAMED.findall(source)), entry["msgid"]
            if "python-format" in entry["flags"]:
                assert text.count("%%") == entry["msgid"].count("%%"), entry["msgid"]


def test_compiled_catalogue_matches_the_po(messages):
    assert MO.is_file(), f"{MO} is missing: run `kopdes compilemessages`"
    with MO.open("rb") as fh:
        catalogue = stdlib_gettext.GNUTranslations(fh)
    assert catalogue.info()["language"] == "id"
    for entry in messages:
        if "msgctxt" in entry:
            got = catalogue.pgettext(entry["msgctxt"], entry["msgid"])
        elif "msgid_plural" in entry:
            got = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        else:
            got = catalogue.gettext(entry["msgid"])
        assert got == translations(entry)[0], f"stale django.mo for {entry['msgid']!r}"


def test_django_uses_the_catalogue():
    with translation.override("id"):
        assert translation.gettext("Log in") == "Masuk"
        assert translation.gettext("Log out") == "Keluar"
        assert translation.gettext("Officers") == "Pengurus dan Pengawas"
        assert (
            translation.ngettext("%(n)s cooperative", "%(n)s cooperatives", 5) % {"n": 5}
            == "5 koperasi"
        )
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_login_page_is_in_indonesian_by_default(client):
    url = reverse("web:login")
    assert url == "/masuk/"
    html = client.get(url).content.decode()
    assert '<html lang="id">' in html
    assert "Masuk ke Kopdes" in html
    assert "Nomor HP" in html
    assert "Log in to Kopdes" not in html


@pytest.mark.django_db
def test_login_page_is_in_english_when_the_browser_asks_for_it(client):
    html = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Log in to Kopdes" in html
    assert "Masuk ke Kopdes" not in html


@pytest.mark.django_db
def test_login_page_is_in_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in html
    assert "Log in to Kopdes" in html
