"""Two cooperatives of personas (and the supervisors around them) for every test.

coop_a: Koperasi Desa Merah Putih Cangkudu (Balaraja, 36.03.01.2003)
coop_b: Koperasi Desa Merah Putih Teluknaga (Teluknaga, 36.03.13.2001)
Each has ketua, sekretaris, bendahara, manajer, kasir, kepala_desa (chairs the pengawas),
pengawas and anggota. Supervisors: the regency's Dinas (36.03), a kecamatan officer for
Balaraja (36.03.01), the Kejaksaan (read-only), and a CSR partner funding coop A only.

The two cooperatives are built once per test run, inside a transaction that stays open for the
whole session (`django_db_setup` below): every ordinary test runs in a savepoint of it, rolled
back after the test, and `place_a`/`place_b` fetch the rows fresh by id. The tests that use the
places run first; then that transaction is rolled back, so every other test (and every
transactional one, which commits and flushes) starts from the migrated database as before; a
transactional test that asks for a place gets it built (and flushed after it).
docs/testing.md tells the whole story.
"""

import os

import pytest
from django.db import transaction
from faker import Faker
from hypothesis import settings as hypothesis_settings

from kopdes import testing

# Hypothesis: no deadline. A deadline is a timed assertion: on a shared machine a property
# whose example took 259 ms once (load 10 on 2 CPUs) failed as "flaky" (test_money, 2026-12-01).
# The example counts stay as they are (each test's own @settings, else Hypothesis's 100): the
# pure properties cost milliseconds. `HYPOTHESIS_PROFILE=ci` is the same with no database of
# examples, so a CI run never depends on what an earlier run found.
hypothesis_settings.register_profile("kopdes", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kopdes"))

_session = {"atomic": None}  # the open transaction holding the places, while it is open


def _open_places() -> None:
    atomic = transaction.atomic()
    atomic._from_testcase = True  # as Django's TestCase: `atomic(durable=True)` still works inside
    atomic.__enter__()
    _session["atomic"] = atomic
    testing.build_places()


def _close_places() -> None:
    from django.db import connection

    atomic, _session["atomic"] = _session["atomic"], None
    if atomic is not None:
        # Only the session's own block may be open here: a module fixture's savepoint still open
        # means that module's tests were split between the groups (give them all the fixture).
        assert len(connection.atomic_blocks) == 1, "a savepoint outlived its test module"
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database (pytest-django's fixture) with places A and B in an open transaction,
    when some test of the run uses them (else a run of other database tests alone, e.g.
    `pytest -k register`, would start with the places there: the first of its tests builds
    this fixture after `pytest_runtest_setup` has looked)."""
    with django_db_blocker.unblock():
        if any(_group(item) == 0 for item in request.session.items):
            _open_places()
    yield
    with django_db_blocker.unblock():
        _close_places()


# Fixtures that use the places. Tests with one of them run first, inside the session
# transaction; the other database tests after it, on the migrated database alone (as they always
# did: counts of users, cooperatives and audit rows stay theirs).
PLACE_FIXTURES = frozenset(
    {"place_a", "place_b", "coop_a", "coop_b", "csr_a", "world", "savings_year"}
)


def uses_places(item: pytest.Item) -> bool:
    return bool(PLACE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _group(item: pytest.Item) -> int:
    """0: database tests with the places, 1: other database tests, 2: transactional tests,
    3: tests without a database (pytest-django's order, its first group split in two)."""
    from transactional_tests import is_transactional

    if is_transactional(item):
        return 2
    fixtures = getattr(item, "fixturenames", ())
    if item.get_closest_marker("django_db") is None and "db" not in fixtures:
        cls = getattr(item, "cls", None)
        from django.test import TestCase

        if not (cls is not None and issubclass(cls, TestCase)):
            return 3
    return 0 if uses_places(item) else 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A stable sort after every other plugin (pytest-django's order, pytest-randomly's
    shuffle): whatever order the tests came in, each group runs in the state it needs."""
    items.sort(key=_group)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Leaving the first group: the session transaction is rolled back, the places with it.
    (A test that asks for a place later gets it built for itself: `testing.persona_place`.)"""
    if _session["atomic"] is None or _group(item) == 0:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _close_places()


@pytest.fixture(autouse=True)
def _seeded_faker():
    Faker.seed(20251206)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: a test's database is rolled back (ids and data
    versions are used again by the next test), the local-memory caches are not (ADR 0034)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's language: a request by an English-reading person
    leaves English active in the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def place_a(db) -> testing.Place:
    return testing.persona_place("A")


@pytest.fixture
def place_b(db) -> testing.Place:
    return testing.persona_place("B")


@pytest.fixture
def coop_a(place_a):
    return place_a.cooperative


@pytest.fixture
def coop_b(place_b):
    return place_b.cooperative


@pytest.fixture
def dinas(db):
    return testing.make_supervisor(
        agency="dinas", organisation="Dinas Koperasi Kab. Tangerang", region_prefix="36.03"
    )


@pytest.fixture
def examiner(db):
    """The Dinas' examiner: a grant over the regency that is not read-only, so they assess the
    cooperatives' health and fill the management questionnaire (docs/domain.md §5)."""
    return testing.make_supervisor(
        agency="dinas",
        organisation="Dinas Koperasi Kab. Tangerang (penilai)",
        region_prefix="36.03",
        read_only=False,
    )


@pytest.fixture
def camat_balaraja(db):
    return testing.make_supervisor(
        agency="dinas", organisation="Kecamatan Balaraja", region_prefix="36.03.01"
    )


@pytest.fixture
def kejaksaan(db):
    return testing.make_supervisor(
        agency="kejaksaan", organisation="Kejari Kab. Tangerang", region_prefix="36.03"
    )


@pytest.fixture
def csr_a(coop_a):
    return testing.make_supervisor(agency="csr", organisation="CSR Partner", cooperatives=[coop_a])


@pytest.fixture
def outsider(db):
    return testing.make_person(full_name="Orang Luar")


@pytest.fixture
def cross_tenant():
    return testing.assert_cross_tenant
