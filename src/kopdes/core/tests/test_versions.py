"""The cooperatives' data versions (ADR 0034): bumped once per commit by the audit log, for the
cooperative each audit row names (or the cooperative itself), never by a write not committed."""

import pytest

from kopdes.core.audit import audit_record, audit_records
from kopdes.core.versions import versions

pytestmark = pytest.mark.django_db


def test_one_bump_per_commit_for_each_cooperative_named(
    place_a, place_b, django_capture_on_commit_callbacks
):
    a, b = place_a.cooperative, place_b.cooperative
    start = versions([a.pk, b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(3):
            audit_record(actor=None, action="test.write", object_type="t", cooperative_id=a.pk)
        audit_record(actor=None, action="test.write", obj=b)  # the cooperative's own row
    assert versions([a.pk, b.pk]) == {a.pk: start[a.pk] + 1, b.pk: start[b.pk] + 1}
    with django_capture_on_commit_callbacks(execute=True):
        audit_records(actor=None, action="test.write", objs=[a, a], afters=[None, None])
    assert versions([a.pk])[a.pk] == start[a.pk] + 2


def test_nothing_moves_before_the_commit(place_a):
    a = place_a.cooperative
    start = versions([a.pk])
    audit_record(actor=None, action="test.write", object_type="t", cooperative_id=a.pk)
    assert versions([a.pk]) == start  # the test's transaction never commits
    assert versions([0]) == {0: 0}  # a cooperative never written: 0
