"""The read-replica router's decisions (ADR 0036), without a real replica: the alias is only
named in settings (`KOPDES_DATABASE_REPLICAS`), never connected to. CI's hot standby runs the
same decisions against a real replica (test_replica.py beside this module)."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import override_settings

from kopdes.accounts.models import User
from kopdes.cooperatives.models import Cooperative
from kopdes.core.replicas import (
    PINNED_SECONDS,
    ReplicaRouter,
    pin_to_primary,
    read_alias,
    supervision_reads,
)
from kopdes.settings.env import parse_replicas
from kopdes.supervision.models import Assessment

ONE_REPLICA = override_settings(KOPDES_DATABASE_REPLICAS=["replica_1"])
router = ReplicaRouter()

PG = {"ENGINE": "django.db.backends.postgresql", "NAME": "kopdes"}


def test_without_the_variable_there_is_no_replica():
    if settings.KOPDES_DATABASE_REPLICAS:
        pytest.skip("this run has a replica configured (CI's hot standby)")
    assert set(settings.DATABASES) == {"default"}
    with supervision_reads() as chosen:
        assert chosen is None
        # the router says nothing: Django's own choice, as without a router
        assert router.db_for_read(Assessment) is None
        assert router.db_for_write(Assessment) is None
        assert Assessment.objects.all().db == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "supervision") is None


@ONE_REPLICA
def test_reads_go_to_the_replica_only_inside_the_scope():
    assert router.db_for_read(Assessment) == DEFAULT_DB_ALIAS
    with supervision_reads() as chosen:
        assert chosen == "replica_1"
        assert router.db_for_read(Assessment) == "replica_1"
        assert router.db_for_read(Cooperative) == "replica_1"
        assert Assessment.objects.all().db == "replica_1"
        with supervision_reads() as inner:  # nested: the same replica
            assert inner == "replica_1"
        assert router.db_for_read(Assessment) == "replica_1"
    assert router.db_for_read(Assessment) == DEFAULT_DB_ALIAS


@ONE_REPLICA
def test_as_a_decorator():
    @supervision_reads()
    def page():
        return read_alias(Assessment)

    assert page() == "replica_1"
    assert read_alias(Assessment) == DEFAULT_DB_ALIAS


@ONE_REPLICA
def test_writes_always_go_to_the_primary():
    with supervision_reads():
        assert router.db_for_write(Assessment) == DEFAULT_DB_ALIAS
        loaded = Cooperative()
        loaded._state.db = "replica_1"  # as if read from the replica
        assert router.db_for_write(Cooperative, instance=loaded) == DEFAULT_DB_ALIAS
        assert Assessment.objects.all()._db is None
        assert Assessment.objects.select_for_update().db == DEFAULT_DB_ALIAS


@ONE_REPLICA
def test_people_and_rights_are_read_from_the_primary():
    with supervision_reads():
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
@ONE_REPLICA
def test_inside_a_write_transaction_reads_stay_on_the_primary():
    with transaction.atomic(), supervision_reads():
        assert router.db_for_read(Assessment) == DEFAULT_DB_ALIAS
        assert Assessment.objects.all().db == DEFAULT_DB_ALIAS
        # a read of an object's relation follows the router, not the object's database
        assert Cooperative.objects.all().db == DEFAULT_DB_ALIAS


@ONE_REPLICA
def test_relations_across_the_aliases_and_no_migration_on_a_replica():
    primary, replica = Cooperative(), Cooperative()
    primary._state.db, replica._state.db = DEFAULT_DB_ALIAS, "replica_1"
    assert router.allow_relation(primary, replica) is True
    other = Cooperative()
    other._state.db = "elsewhere"
    assert router.allow_relation(primary, other) is None
    assert router.allow_migrate("replica_1", "supervision") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "supervision") is None


@override_settings(KOPDES_DATABASE_REPLICAS=["replica_1", "replica_2"])
def test_a_scope_keeps_the_replica_it_chose():
    for _ in range(20):
        with supervision_reads() as chosen:
            assert chosen in {"replica_1", "replica_2"}
            assert {read_alias(Assessment) for _ in range(10)} == {chosen}


def test_the_replica_urls():
    replicas = parse_replicas(
        ["postgres://a:b@10.0.0.2:5432/kopdes", "postgresql://a:b@10.0.0.3/kopdes"], PG, 60
    )
    assert list(replicas) == ["replica_1", "replica_2"]
    assert replicas["replica_2"]["HOST"] == "10.0.0.3"
    assert replicas["replica_1"]["CONN_MAX_AGE"] == 60
    assert parse_replicas([], {"ENGINE": "django.db.backends.sqlite3"}, 60) == {}
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL primary"):
        parse_replicas(["postgres://a@h/k"], {"ENGINE": "django.db.backends.sqlite3"}, 60)
    with pytest.raises(ImproperlyConfigured, match="entry 2 is not a PostgreSQL URL"):
        parse_replicas(["postgres://a@h/k", "sqlite:///x.db"], PG, 60)


class FakeRequest:
    def __init__(self):
        self.session = {}


def test_without_a_replica_a_write_stores_nothing_in_the_session():
    if settings.KOPDES_DATABASE_REPLICAS:
        pytest.skip("this run has a replica configured (CI's hot standby)")
    request = FakeRequest()
    pin_to_primary(request)
    assert request.session == {}


@ONE_REPLICA
def test_after_their_write_a_persons_reads_stay_on_the_primary_for_a_while(time_machine):
    writer, other = FakeRequest(), FakeRequest()
    time_machine.move_to("2026-12-02 10:00:00+07:00", tick=False)
    pin_to_primary(writer)
    with supervision_reads(writer) as chosen:
        assert chosen is None and read_alias(Assessment) == DEFAULT_DB_ALIAS
    with supervision_reads(other) as chosen:
        assert chosen == "replica_1" and read_alias(Assessment) == "replica_1"
    time_machine.shift(PINNED_SECONDS + 1)
    with supervision_reads(writer) as chosen:
        assert chosen == "replica_1"
