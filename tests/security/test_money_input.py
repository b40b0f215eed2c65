"""Bad-input corpus on every money field: every form of every staff page and every API request
body with an amount-like field (`probe.MONEY_FIELD`), found by reading the pages' HTML and the
OpenAPI schema. Each bad amount gets a clear refusal (the page re-rendered with the error on that
field; the API's 400/422 with an error code), never a server error, and nothing is saved."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from security.probe import MONEY_FIELD, db_fingerprint, tenant_pages, url_for

from kopdes.accounts.tokens import token_issue
from kopdes.api.urls import api

# Every test of the module takes `world`, so the module runs in one piece with the places.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

BAD_AMOUNTS = {
    "negative": "-1000",
    "zero": "0",
    "fraction_comma": "1,5",
    "fraction_dot": "1.5",
    "huge": str(10**20),
    "arabic_indic_digits": "\u0661\u0660\u0660\u0660",
    "fullwidth_digits": "\uff11\uff10\uff10\uff10",
    "empty": "",
    "text": "seribu",
    "exponent": "1e3",
}


class _Forms(HTMLParser):
    """The POST forms of a page: action and the values a person would submit unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
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
                    "invalid": set(),
                    "required": set(),
                    "min": {},
                }
                self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if attrs.get("aria-invalid") == "true":
            self._form["invalid"].add(name)
        if "required" in attrs:
            self._form["required"].add(name)
        if attrs.get("min") is not None:
            self._form["min"][name] = attrs["min"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["data"][name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self._form["data"][name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self._form["data"].setdefault(name, "")
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if "selected" in attrs or (value and not self._form["data"].get(self._select)):
                self._form["data"][self._select] = value
        elif tag == "textarea":
            self._textarea = name
            self._form["data"][name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# Empty and zero are refused where an amount is required; an optional amount (a journal line's
# other side) may be left blank or 0, and a field that declares `min="0"` (a policy amount)
# allows zero by design.
def _applies(form: dict, name: str, case: str) -> bool:
    if case == "empty":
        return name in form["required"]
    if case == "zero":
        return name in form["required"] and form["min"].get(name) != "0"
    return True


@pytest.fixture(scope="module")
def money_forms(world, django_db_blocker):
    """(page url, form action, form, money field) for every money field on every page a
    person with every capability can open."""
    found, seen = [], set()
    client = Client()
    with django_db_blocker.unblock():
        client.force_login(world.superuser)
        for page in tenant_pages():
            url = url_for(page, world.a)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in parse_forms(response.content.decode()):
                for name in form["data"]:
                    # One of each repeated field (a journal's line-0-debit stands for line-N-debit).
                    key = (form["action"] or url, re.sub(r"\d+", "N", name))
                    if MONEY_FIELD.search(name) and key not in seen:
                        seen.add(key)
                        found.append((url, form["action"] or url, form, name))
    return found


def test_the_corpus_finds_the_money_forms(money_forms):
    """The counters (deposit, withdrawal, transfer), the manual journal and the policy."""
    names = {name for _url, _action, _form, name in money_forms}
    assert {"amount", "simpanan_pokok_amount", "simpanan_wajib_amount"} <= names
    assert "loan_approval_threshold" in names
    assert any("debit" in name for name in names)
    assert any("credit" in name for name in names)


@pytest.mark.parametrize("case", BAD_AMOUNTS)
def test_pages_refuse_bad_amounts(world, money_forms, case):
    value = BAD_AMOUNTS[case]
    client = Client()
    client.force_login(world.superuser)
    failures = []
    for _url, action, form, name in money_forms:
        if not _applies(form, name, case):
            continue
        before = db_fingerprint()
        response = client.post(action, {**form["data"], name: value})
        where = f"{action} {name}={value!r}"
        if response.status_code != 400:
            failures.append(f"{where}: {response.status_code}, not the form again with 400")
        else:
            invalid = set().union(*(f["invalid"] for f in parse_forms(response.content.decode())))
            if name not in invalid:
                failures.append(f"{where}: no error shown on {name}")
        if db_fingerprint() != before:
            failures.append(f"{where}: the database changed")
    assert not failures, "\n".join(failures)


SCHEMA = api.get_openapi_schema()


def _schema(ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref", "")
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else ref_or_schema


API_MONEY = [
    (method.upper(), path, name)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
    for content in [operation.get("requestBody", {}).get("content", {}).get("application/json")]
    if content
    for name in _schema(content["schema"]).get("properties", {})
    if MONEY_FIELD.search(name)
]


@pytest.mark.parametrize("value", BAD_AMOUNTS.values(), ids=BAD_AMOUNTS.keys())
def test_api_refuses_bad_amounts(world, client, value):
    """Every money property of every request body (none yet: the API is read-only on money;
    an operation that adds one joins here)."""
    token, _row = token_issue(user=world.superuser)
    failures = []
    for method, path, name in API_MONEY:
        before = db_fingerprint()
        try:
            sent = json.loads(value)
        except ValueError:
            sent = value
        response = client.generic(
            method,
            path,
            data=json.dumps({name: sent}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if response.status_code not in (400, 422) or not response.json()["error"]["code"]:
            failures.append(f"{method} {path} {name}={value!r}: {response.status_code}")
        if db_fingerprint() != before:
            failures.append(f"{method} {path} {name}={value!r}: the database changed")
    assert not failures, "\n".join(failures)
