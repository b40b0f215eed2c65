"""Supervision reads against a real PostgreSQL hot standby (ADR 0036). CI starts one after the
PostgreSQL suite (`.ci/run`, "replica") and runs `pytest -m replica` with DATABASE_URL on the
primary and KOPDES_DATABASE_REPLICA_URLS on the standby; without a replica they are skipped.

The test database is the primary's `test_<name>`; the replica alias mirrors its NAME (settings
/test.py), so the standby serves the same database by streaming. The tests commit (transactional)
and wait for the standby to replay the primary's WAL before they read."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.cooperatives.models import Cooperative
from kopdes.core.replicas import supervision_reads
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import Assessment
from kopdes.supervision.selectors import year_closed
from kopdes.supervision.services import health_assess

REPLICAS = list(getattr(settings, "KOPDES_DATABASE_REPLICAS", []))

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not REPLICAS,
        reason="no read replica configured (KOPDES_DATABASE_REPLICA_URLS): "
        "CI's hot standby runs these (.ci/run, replica step)",
    ),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


def _one(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def wait_for_replay(alias: str, timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    (lsn,) = _one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while True:
        (done,) = _one(alias, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
        if done:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{alias} did not replay up to {lsn} within {timeout} s")
        time.sleep(0.05)


@contextmanager
def replay_paused(alias: str) -> Iterator[None]:
    """The standby caught up, then its replay paused (the test skipped if the role may not);
    resumed and caught up again afterwards."""
    wait_for_replay(alias)
    try:
        _one(alias, "SELECT pg_wal_replay_pause()")
    except DatabaseError as error:
        pytest.skip(f"the test role may not pause the standby's replay ({error})")
    try:
        for _ in range(200):
            (state,) = _one(alias, "SELECT pg_get_wal_replay_pause_state()")
            if state == "paused":
                break
            time.sleep(0.05)
        yield
    finally:
        _one(alias, "SELECT pg_wal_replay_resume()")
    wait_for_replay(alias)


@pytest.fixture
def replica() -> str:
    (alias,) = REPLICAS  # CI configures exactly one
    return alias


@pytest.fixture
def assessed():
    place = testing.persona_place("A")
    testing.close_shu_books(place, make_member(place.cooperative))
    health_assess(actor=None, cooperative=place.cooperative, year=2025)
    examiner = testing.make_supervisor(
        agency="dinas", organisation="Dinas (penilai)", region_prefix="36.03", read_only=False
    )
    return place.cooperative, examiner


def test_the_replica_is_a_standby_of_the_same_test_database(replica):
    primary_name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    assert connections[replica].settings_dict["NAME"] == primary_name
    assert _one(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()") == (False,)
    in_recovery, name = _one(replica, "SELECT pg_is_in_recovery(), current_database()")
    assert in_recovery is True and name == primary_name
    with supervision_reads():
        alias = Cooperative.objects.all().db
    assert alias == replica
    assert _one(alias, "SELECT pg_is_in_recovery()") == (True,)


def test_a_row_committed_on_the_primary_is_read_from_the_standby(replica):
    coop = testing.make_cooperative("36.03.01.2003", savings=False)
    wait_for_replay(replica)
    with CaptureQueriesContext(connections[replica]) as on_replica, supervision_reads():
        found = Cooperative.objects.get(pk=coop.pk)
    assert found._state.db == replica and found.name == coop.name
    assert any("cooperatives_cooperative" in q["sql"] for q in on_replica.captured_queries)


def test_a_write_on_the_replica_fails_and_a_write_in_the_scope_goes_to_the_primary(replica):
    coop = testing.make_cooperative("36.03.01.2003", savings=False)
    wait_for_replay(replica)
    with pytest.raises(DatabaseError, match="read-only transaction"):
        Cooperative.objects.using(replica).filter(pk=coop.pk).update(name="Ditulis di replika")
    with supervision_reads():
        loaded = Cooperative.objects.get(pk=coop.pk)
        assert loaded._state.db == replica
        loaded.name = "Koperasi Ganti Nama"
        loaded.save(update_fields=["name"])  # the router sends it to the primary
    assert Cooperative.objects.using(DEFAULT_DB_ALIAS).get(pk=coop.pk).name == loaded.name


def test_inside_a_write_transaction_reads_stay_on_the_primary(replica):
    with transaction.atomic():
        coop = testing.make_cooperative("36.03.01.2003", savings=False)
        with CaptureQueriesContext(connections[replica]) as on_replica, supervision_reads():
            # not committed: only the primary's transaction sees it
            assert Cooperative.objects.get(pk=coop.pk).name == coop.name
    assert on_replica.captured_queries == []


def test_the_health_page_and_api_read_the_standby(client, replica, assessed):
    coop, examiner = assessed
    wait_for_replay(replica)
    client.force_login(examiner)
    url = reverse("web:health", args=[coop.public_id])
    token, _row = token_issue(user=examiner)
    api_url = f"/api/v1/supervision/cooperatives/{coop.public_id}/health"
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        page = client.get(url)
        answer = client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert page.status_code == 200 and answer.status_code == 200
    assessment = Assessment.objects.get(cooperative=coop, is_current=True)
    assert assessment.get_predicate_display() in page.content.decode()
    assert [a["year"] for a in answer.json()["current"]] == [2025]
    replica_sql = [q["sql"] for q in on_replica.captured_queries]
    primary_sql = [q["sql"] for q in on_primary.captured_queries]
    assert sum("supervision_assessment" in sql for sql in replica_sql) >= 2
    assert not any("supervision_assessment" in sql for sql in primary_sql)
    # the people and their rights were read from the primary
    assert any("accounts_" in sql for sql in primary_sql)
    assert [sql for sql in replica_sql if "accounts_" in sql] == []


def test_a_paused_standby_shows_the_old_rows_until_it_replays(client, replica, assessed):
    """The proof that the reads come from the standby: with its replay paused, a new assessment
    committed on the primary is missing from the API's answer until the replay resumes. (The
    examiner's POST, a write, works meanwhile: it goes to the primary.)"""
    coop, examiner = assessed
    with replay_paused(replica):
        token, _row = token_issue(user=examiner)
        client.force_login(examiner)
        response = client.post(reverse("web:health", args=[coop.public_id]), {"year": "2025"})
        assert response.status_code == 302  # assessed again, on the primary
        assert Assessment.objects.using(DEFAULT_DB_ALIAS).filter(cooperative=coop).count() == 2
        api_url = f"/api/v1/supervision/cooperatives/{coop.public_id}/health"
        answer = client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert answer["history"] == []  # the standby has not replayed the new one
        # ... but the examiner's own page after the write reads the primary (pin_to_primary)
        with CaptureQueriesContext(connections[replica]) as on_replica:
            page = client.get(response["Location"])
        assert page.status_code == 200
        assert not any("supervision_assessment" in q["sql"] for q in on_replica.captured_queries)
    answer = client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert len(answer["history"]) == 1


def _sql(capture) -> list[str]:
    return [q["sql"] for q in capture.captured_queries]


def test_the_health_run_reads_the_books_on_the_standby(replica):
    """`health_assess` (the examiner's button, `kopdes health assess`) reads the closed year's
    statements on the standby and writes the assessment on the primary."""
    place = testing.persona_place("A")
    testing.close_shu_books(place, make_member(place.cooperative))
    wait_for_replay(replica)
    deadline = time.monotonic() + 30
    with supervision_reads():  # the precondition: the standby has the year closed
        while not year_closed(place.cooperative, 2025):
            assert time.monotonic() < deadline, "the standby never showed 2025 closed"
            time.sleep(0.05)
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        assessment = health_assess(actor=None, cooperative=place.cooperative, year=2025)
    assert assessment._state.db == DEFAULT_DB_ALIAS
    replica_sql, primary_sql = _sql(on_replica), _sql(on_primary)
    assert any("ledger_accountmonth" in sql for sql in replica_sql), (replica_sql, primary_sql)
    assert not any("ledger_accountmonth" in sql for sql in primary_sql)
    assert any(
        sql.startswith("INSERT") and "supervision_assessment" in sql for sql in _sql(on_primary)
    )


def test_a_standby_behind_the_closing_is_not_read_for_the_books(replica):
    """With the standby's replay paused before the year is closed, the standby does not have it
    closed: the books are read on the primary, and the assessment is the same as ever."""
    with replay_paused(replica):
        place = testing.persona_place("A")
        testing.close_shu_books(place, make_member(place.cooperative))
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            assessment = health_assess(actor=None, cooperative=place.cooperative, year=2025)
        assert any("ledger_accountmonth" in sql for sql in _sql(on_primary))
        assert assessment.inputs["total_assets"] > 0
