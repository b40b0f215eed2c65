import pytest
from django.db import DatabaseError, connection, transaction

from kopdes.core.audit import audit_record
from kopdes.core.errors import IdempotencyConflict
from kopdes.core.masking import mask_identity_number, mask_mapping, mask_phone
from kopdes.core.models import AuditEvent


def test_masks():
    assert mask_identity_number("3603011203900001") == "3603**********01"
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert mask_mapping(
        {"nik": "3603011203900001", "phone": "+6281234567890", "password": "x", "name": "A"}
    ) == {"nik": "3603**********01", "phone": "+62812****7890", "password": "***", "name": "A"}


@pytest.mark.django_db
def test_audit_masks_personal_data_and_is_append_only():
    event = audit_record(
        actor=None,
        action="person.register",
        object_type="accounts.user",
        object_id="1",
        after={"nik": "3603011203900001", "full_name": "Siti"},
    )
    event.refresh_from_db()
    assert event.after == {"nik": "3603**********01", "full_name": "Siti"}
    assert event.actor_label == "system"
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "person.register"


def test_pending_skips_done_items_and_refuses_changed_ones():
    from kopdes.core.idempotency import pending, request_fingerprint

    class Rows:
        def filter(self, **kw):
            return self

        def values_list(self, *names):
            return [("a", request_fingerprint({"n": 1}))]

    items = [("a", 1), ("b", 2), (None, 3)]
    todo = pending(Rows(), items, key=lambda i: i[0], request=lambda i: {"n": i[1]})
    assert [item for item, _ in todo] == [("b", 2), (None, 3)]
    with pytest.raises(IdempotencyConflict):
        pending(Rows(), [("a", 5)], key=lambda i: i[0], request=lambda i: {"n": i[1]})
