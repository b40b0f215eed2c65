"""Role matrix: every staff page of a cooperative, POSTed by every persona of that cooperative
and by the supervisors. Where the person lacks the capability the page's decorator names for a
write (`cooperative_page(need, write=...)`, read through `kopdes.accounts.access.capabilities`),
the answer is a refusal (403/404) and the database does not change. No hand-written table: the expectations come from the views'
own capability declarations and the access module's role map."""

import pytest
from django.test import Client
from security.probe import db_fingerprint, tenant_pages, url_for

from kopdes.accounts.access import capabilities

# Every test of the module takes `world`, so the module runs in one piece with the places.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

PAGES = tenant_pages()


def _people(world):
    return {
        **{f"{name} (A)": person for name, person in world.a.place.people.items()},
        **world.supervisors,
    }


def test_every_persona_and_supervisor_takes_part(world):
    """The matrix covers the eight personas and the three kinds of supervisor."""
    assert set(_people(world)) >= {
        "ketua (A)",
        "sekretaris (A)",
        "bendahara (A)",
        "manajer (A)",
        "kasir (A)",
        "kepala_desa (A)",
        "pengawas (A)",
        "anggota (A)",
        "dinas",
        "kejaksaan",
        "csr",
    }


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_writes_need_the_capability(world, page):
    assert page.write_capability is not None, f"{page} is not behind cooperative_page(...)"
    cooperative = world.a.place.cooperative
    url = url_for(page, world.a)
    refused = {}
    for who, person in _people(world).items():
        if page.write_capability in capabilities(person, cooperative):
            continue  # allowed: the money and CSRF sweeps post to every page as a capable user
        refused[who] = Client()
        refused[who].force_login(person)  # before the fingerprint: a login writes its rows
    failures = []
    before = db_fingerprint()
    for who, client in refused.items():
        response = client.post(url)
        if response.status_code not in (403, 404):
            failures.append(f"{who} lacks {page.write_capability}: {response.status_code}")
        if db_fingerprint() != before:
            failures.append(f"{who} lacks {page.write_capability}: the database changed")
            before = db_fingerprint()
    assert not failures, "\n".join(failures)
