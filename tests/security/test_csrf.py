"""CSRF sweep: every staff page (the resolver's list, public pages included) refuses a POST
without a CSRF token, even from a logged-in person with every capability, and changes nothing."""

import pytest
from django.test import Client
from security.probe import db_fingerprint, staff_pages, url_for

# Every test of the module takes `world`, so the module runs in one piece with the places.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

PAGES = staff_pages()


def test_the_sweep_sees_every_page():
    assert len(PAGES) >= 50


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_post_without_a_csrf_token_is_refused(world, page):
    url = url_for(page, world.a)
    logged_in = Client(enforce_csrf_checks=True)
    logged_in.force_login(world.superuser)  # before the fingerprint: a login writes its rows
    clients = {
        "a person with every capability": logged_in,
        "anonymous": Client(enforce_csrf_checks=True),
    }
    failures = []
    before = db_fingerprint()
    for who, client in clients.items():
        response = client.post(url, {"amount": "1000", "memo": "csrf"})
        if response.status_code != 403:
            failures.append(f"{who}: {url} answered {response.status_code}")
    if db_fingerprint() != before:
        failures.append(f"{url}: the database changed")
    assert not failures, "\n".join(failures)
