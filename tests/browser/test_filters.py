"""The search and filter forms (/pantau/koperasi/, members, journal): they work, and they are laid out for
the screen: one full-width field per line on a 360 px phone, the fields in one row on a laptop."""

from __future__ import annotations

import itertools
import re

from browser.lazy_expect import expect
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kopdes import testing

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def boxes(page, form: str) -> list[dict]:
    """The boxes of the form's fields (inputs other than hidden ones, and selects)."""
    return page.eval_on_selector_all(
        f"{form} input:not([type=hidden]), {form} select",
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return {x: b.x, y: b.y, width: b.width}; })",
    )


def assert_laid_out(page, form: str, rows: int = 1) -> None:
    page.set_viewport_size(PHONE)
    form_width = page.eval_on_selector(form, "f => f.getBoundingClientRect().width")
    fields = boxes(page, form)
    assert len(fields) >= 2
    for field in fields:  # one full-width field per line
        assert field["width"] >= form_width - 2, (form, field, form_width)
    tops = sorted(field["y"] for field in fields)
    assert all(lower - upper > 20 for upper, lower in itertools.pairwise(tops)), (form, fields)
    button = page.locator(f"{form} button[type=submit]").bounding_box()
    assert button is not None and button["x"] + button["width"] <= PHONE["width"]
    page.set_viewport_size(LAPTOP)
    fields = boxes(page, form)
    tops = sorted(field["y"] for field in fields)
    lines = 1 + sum(lower - upper >= 4 for upper, lower in itertools.pairwise(tops))
    assert lines <= rows, (form, fields)  # one row (the dashboard's six fields: two)


def test_the_supervision_search_works_and_fits(page, context, live_server):
    a = testing.persona_place("A")
    b = testing.persona_place("B")
    dinas = testing.make_supervisor(agency="dinas", organisation="Dinas", region_prefix="36.03")
    log_in(context, live_server, dinas)
    page.goto(reverse("web:supervision_table"))
    form = "form[role=search]"
    assert_laid_out(page, form, rows=2)

    page.set_viewport_size(PHONE)
    page.fill(f"{form} input[name=q]", "Teluknaga")
    page.click(f"{form} button[type=submit]")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("web:supervision_table")) + r"\?q=Teluknaga&")
    )
    expect(page.locator("main table")).to_contain_text(b.cooperative.name)
    expect(page.locator("main table")).not_to_contain_text(a.cooperative.name)

    page.fill(f"{form} input[name=q]", "")
    page.select_option(f"{form} select[name=kecamatan]", "36.03.01")
    page.click(f"{form} button[type=submit]")
    expect(page.locator("main table")).to_contain_text(a.cooperative.name)
    expect(page.locator("main table")).not_to_contain_text(b.cooperative.name)
    assert page.console_errors == []


def test_the_members_and_journal_filters_fit(page, context, live_server):
    a = testing.persona_place("A")
    log_in(context, live_server, a.ketua)
    page.goto(reverse("web:members", args=[a.cooperative.public_id]))
    assert_laid_out(page, "form.filters")
    page.goto(reverse("web:journal", args=[a.cooperative.public_id]))
    assert_laid_out(page, "form.filters")
    assert page.console_errors == []
