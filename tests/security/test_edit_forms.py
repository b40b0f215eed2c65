"""Every staff form submitted unchanged changes nothing, in both languages (issue 9, item 1).

The forms are found as the other matrices find pages: every tenant page of Django's URL resolver
(`probe.tenant_pages()`), opened by a person with every capability, its POST forms read from the
HTML. The values are those a browser would submit: in particular a browser keeps the value of an
`<input type="date">` only when it is `yyyy-mm-dd` (HTML's value sanitization) and submits an
empty field otherwise, which is how a localized date (`21-07-2025`) erased the founding date.

- Every date input shows an ISO value, and a required date (other than a birth date) has one: it
  defaults to today where a date is expected.
- Every *edit form* (a form showing an object's current values: a filled text, number or textarea
  other than today's date, and no blank to fill but a reason) is submitted as shown (the reason
  gets a filler): it is accepted, and the page shows the same values afterwards.
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from security.probe import tenant_pages, url_for

from kopdes.cooperatives import services as cooperative_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGES = ["id", "en"]
# A date a person must type: no default makes sense.
NO_DEFAULT_DATES = {"birth_date"}
# Values that change on every rendering by design.
VOLATILE = {"csrfmiddlewaretoken", "idempotency_key"}
FILLER = "Tidak ada perubahan"
# The one blank an edit form may ask for besides the values it shows (a policy change's reason).
REASONS = {"reason"}


class _Forms(HTMLParser):
    """The POST forms of a page with what a browser would submit unchanged, and their date
    inputs as rendered."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.dates: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {
                    "action": attrs.get("action") or "",
                    "data": {},
                    "shown": set(),  # visible fields holding a value
                    "empty_required": set(),
                    "kinds": {},
                }
                self.forms.append(self._form)
            return
        name = attrs.get("name")
        if tag == "input" and (attrs.get("type") or "").lower() == "date":
            self.dates.append(attrs)
        if tag == "option" and self._form is not None and self._select:
            # An option has no name of its own: it is its select's value when selected (or the
            # first one), as a browser submits it.
            value = attrs.get("value") or ""
            if "selected" in attrs or self._form["data"].get(self._select) is None:
                self._form["data"][self._select] = value
            return
        if self._form is None or not name:
            return
        form = self._form
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            form["kinds"][name] = kind
            value = attrs.get("value") or ""
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["data"][name] = value or "on"
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind == "date" and not ISO.match(value):
                value = ""  # the browser drops a value it cannot read
            form["data"][name] = value
            if kind != "hidden":
                if value and not (kind == "date" and value == timezone.localdate().isoformat()):
                    form["shown"].add(name)
                if not value and "required" in attrs:
                    form["empty_required"].add(name)
        elif tag == "select":
            self._select = name
            form["kinds"][name] = "select"
            form["data"][name] = None  # the first option, unless one is selected
        elif tag == "textarea":
            self._textarea = name
            form["kinds"][name] = "textarea"
            form["data"][name] = ""
            if "required" in attrs:
                form["empty_required"].add(name)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            name = self._textarea
            if self._form is not None and name:
                # Django renders a newline after <textarea>, which the browser drops.
                text = self._form["data"][name].removeprefix("\n")
                self._form["data"][name] = text
                if text.strip():
                    self._form["shown"].add(name)
                    self._form["empty_required"].discard(name)
            self._textarea = None


def read(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def _client(world, language: str) -> Client:
    person = world.superuser
    person.language = language
    person.save(update_fields=["language"])
    client = Client()
    client.force_login(person)
    return client


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and "?" in href:
            self.hrefs.append(href)


def _pages(client, world):
    """Every tenant page that opens, and the pages that open only from a link with a query (the
    end of a role: `pengurus/akhiri/?role=...`), once each."""
    closed: set[str] = set()
    shown: list[tuple[str, str]] = []
    for page in tenant_pages():
        url = url_for(page, world.a)
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            shown.append((url, response.content.decode()))
        else:
            closed.add(url)
    yield from shown
    followed: set[str] = set()
    for _url, html in shown:
        links = _Links()
        links.feed(html)
        for href in links.hrefs:
            path = href.split("?")[0]
            if path in closed and path not in followed:
                followed.add(path)
                response = client.get(href)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    yield href, response.content.decode()


def _filled(world):
    """The cooperative's profile filled in, so its edit form has values to lose."""
    cooperative_services.cooperative_profile_update(
        actor=None,
        cooperative=world.a.place.cooperative,
        identity={"founded_on": date(2025, 7, 21), "npwp": "", "address": "Jl. Raya Balaraja 1"},
        population=8200,
        households=2300,
        main_livelihoods=["petani", "buruh pabrik"],
        leading_commodities=["padi"],
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_input_shows_an_iso_date(world, language):
    _filled(world)
    client = _client(world, language)
    bad, missing, seen, urls = [], [], 0, []
    for url, html in _pages(client, world):
        urls.append(url)
        for attrs in read(html).dates:
            seen += 1
            value = attrs.get("value") or ""
            if value and not ISO.match(value):
                bad.append(f"{url} {attrs.get('name')}={value!r}")
            if not value and "required" in attrs and attrs.get("name") not in NO_DEFAULT_DATES:
                missing.append(f"{url} {attrs.get('name')}")
    assert seen > 10
    assert any("/pengurus/akhiri/?role=" in url for url in urls), "the end of a role was not seen"
    assert not bad, "date inputs a browser shows empty: " + ", ".join(bad)
    assert not missing, "required dates without a default: " + ", ".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_edit_form_submitted_unchanged_changes_nothing(world, language):
    _filled(world)
    client = _client(world, language)
    checked, failures = [], []
    for url, html in _pages(client, world):
        for index, form in enumerate(read(html).forms):
            if not form["shown"] or not form["empty_required"] <= REASONS:
                # nothing shown from an object, or blanks to fill: a form to add or do something
                continue
            action = form["action"] or url
            data = {k: v for k, v in form["data"].items() if v is not None}
            filled = {name: FILLER for name in form["empty_required"]}
            response = client.post(action, {**data, **filled})
            checked.append(action)
            if response.status_code != 302:
                failures.append(f"{action}: refused unchanged ({response.status_code})")
                continue
            again = read(client.get(url).content.decode()).forms[index]
            for name, before in data.items():
                after = again["data"].get(name)
                if name in VOLATILE or name in filled or form["kinds"].get(name) == "hidden":
                    continue
                if after != before:
                    failures.append(f"{action} {name}: {before!r} became {after!r}")
    names = " ".join(checked)
    assert "/ubah/" in names and "/kebijakan/" in names and "/kontak/" in names, checked
    assert not failures, "\n".join(failures)
    cooperative = world.a.place.cooperative
    cooperative.refresh_from_db()
    assert cooperative.founded_on == date(2025, 7, 21)
