"""The form conventions of the staff pages: ISO dates, the one form flow, linked errors and the
error summary (issue 9, items 1, 2 and 9)."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kopdes.core.errors import ValidationFailed
from kopdes.web.formflow import ActionForm, handle_form
from kopdes.web.forms import date_input

pytestmark = pytest.mark.django_db


class _DateForm(forms.Form):
    on = forms.DateField(widget=date_input())


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_input_renders_and_parses_iso_in_every_language(language):
    with translation.override(language):
        html = str(_DateForm(initial={"on": date(2026, 12, 1)})["on"])
        assert 'value="2026-12-01"' in html and 'type="date"' in html
        bound = _DateForm({"on": "2026-12-01"})
        assert bound.is_valid() and bound.cleaned_data["on"] == date(2026, 12, 1)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.summaries: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described.append((attrs.get("name") or tag, attrs["aria-describedby"]))
        if "error-summary" in (attrs.get("class") or "").split():
            self.summaries.append(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.links.append(attrs["href"][1:])


def _policy_refused(client, place_a):
    client.force_login(place_a.ketua)
    url = reverse("web:policy", args=[place_a.cooperative.public_id])
    page = client.get(url).context["form"]
    data = {name: page[name].value() for name in page.fields}
    data.update(simpanan_pokok_amount="seratus", savings_rate_min="abc", reason="")
    return client.post(url, data)


def test_errors_are_linked_to_their_fields_and_summarised(client, place_a):
    response = _policy_refused(client, place_a)
    assert response.status_code == 400
    html = response.content.decode()
    parsed = _Ids()
    parsed.feed(html)
    # every aria-describedby names elements that exist (Django's `<id>_error`, `<id>_helptext`)
    assert parsed.described
    for name, ids in parsed.described:
        for element_id in ids.split():
            assert element_id in parsed.ids, f"{name}: aria-describedby {element_id} is missing"
    assert 'aria-describedby="id_simpanan_pokok_amount_error"' in html
    # one summary, focusable, that counts the problems and links each to its field
    assert len(parsed.summaries) == 1 and parsed.summaries[0]["tabindex"] == "-1"
    assert "Ada 3 kesalahan" in html
    for field in ("simpanan_pokok_amount", "savings_rate_min", "reason"):
        assert f"id_{field}" in parsed.links
    assert all(target in parsed.ids for target in parsed.links)


def test_the_summary_speaks_english_and_lists_errors_of_the_whole_form(client, place_a):
    place_a.ketua.language = "en"
    place_a.ketua.save(update_fields=["language"])
    client.force_login(place_a.ketua)
    url = reverse("web:member_approve", args=[place_a.cooperative.public_id, _member(place_a)])
    client.post(url)
    again = client.post(url)  # already a member: refused by the service, as a form error
    assert again.status_code == 400
    html = again.content.decode()
    assert "There is 1 problem" in html and "error-summary" in html


def _member(place_a):
    from kopdes.web.tests.test_members import make_member

    return make_member(place_a, 7, approve=False).public_id


def test_handle_form_answers_get_success_and_refusal():
    factory = RequestFactory()
    rendered: list[int] = []

    def page(status):
        rendered.append(status)
        from django.http import HttpResponse

        return HttpResponse(status=status)

    get = handle_form(
        factory.get("/"), ActionForm(), save=lambda d: 1 / 0, success="/done/", page=page
    )
    assert get.status_code == 200

    def refuse(data):
        raise ValidationFailed(fields={"x": ["no"]})

    request = factory.post("/")
    refused = handle_form(request, ActionForm(request.POST), save=refuse, success="/", page=page)
    assert refused.status_code == 400 and rendered == [200, 400]

    request = factory.post("/")
    request._messages = _Messages()
    done = handle_form(
        request,
        ActionForm(request.POST),
        save=lambda data: "saved",
        message=lambda result: f"it was {result}",
        success="/done/",
        page=page,
    )
    assert done.status_code == 302 and done["Location"] == "/done/"
    assert request._messages.texts == ["it was saved"]
    request = factory.post("/")
    not_valid = handle_form(
        request, ActionForm(request.POST), save=lambda d: 1 / 0, success="/", page=page, valid=False
    )
    assert not_valid.status_code == 400


class _Messages:
    def __init__(self):
        self.texts: list[str] = []

    def add(self, level, message, extra_tags=""):
        self.texts.append(str(message))


def test_no_view_checks_a_write_capability_by_hand():
    """POST capabilities are the decorator's (`cooperative_page(need, write=...)`)."""
    from pathlib import Path

    views = Path(__file__).resolve().parent.parent / "views"
    for source in views.glob("*.py"):
        text = source.read_text()
        assert not re.search(r"not in request\.capabilities:\s*\n\s*raise Http404", text), source
