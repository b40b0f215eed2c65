"""`probe.db_fingerprint`, the matrices' "database unchanged": every change seen, and on SQLite
no table read again when nothing was written."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from security.probe import db_fingerprint

from kopdes import testing
from kopdes.accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_change_is_seen_and_a_rollback_is_no_change():
    person = testing.make_person(full_name="Orang Uji")
    before = db_fingerprint()
    assert db_fingerprint() == before
    User.objects.filter(pk=person.pk).update(full_name="Orang Uji")  # a write, the same value
    assert db_fingerprint() == before
    User.objects.filter(pk=person.pk).update(full_name="Orang Lain")  # same row count
    changed = db_fingerprint()
    assert changed != before
    with transaction.atomic():
        sid = transaction.savepoint()
        User.objects.filter(pk=person.pk).update(full_name="Orang Ketiga")
        assert db_fingerprint() not in (before, changed)
        transaction.savepoint_rollback(sid)  # back to `changed`, with no write counted since
        assert db_fingerprint() == changed
    testing.make_person(full_name="Orang Baru")
    assert db_fingerprint() != changed


def test_nothing_written_nothing_read_again():
    testing.make_person(full_name="Orang Uji")
    db_fingerprint()
    with CaptureQueriesContext(connection) as queries:
        db_fingerprint()
    expected = 1 if connection.vendor == "sqlite" else len(db_fingerprint()) + 1
    assert len(queries) <= expected
