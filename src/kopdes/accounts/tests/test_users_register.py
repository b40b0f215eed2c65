"""`users_register`, people registered at once (the demo's boards), writes exactly what
`user_register` person by person writes, and refuses what it refuses, all or nothing."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kopdes.accounts import services
from kopdes.accounts.errors import InvalidPerson, PhoneTaken
from kopdes.accounts.models import User
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HASH = make_password("Kopdes-Demo-2026", hasher="md5")  # any configured hasher's encoding

PEOPLE = [
    {
        "phone": "0812 7000 0101",
        "full_name": "  Siti Rahayu ",
        "nik": "3603014506800001",
        "kk_number": "3603011234567890",
    },
    {"phone": "+6281270000201", "full_name": "Budi Santoso", "village_office": "kepala_desa"},
    {"phone": "081270000301", "full_name": "Agus", "language": "en"},
]


def _written() -> tuple[list, list]:
    """The people and their audit rows, without what differs between any two registrations
    (ids, public ids, the moment)."""
    users = [
        (
            u.phone,
            u.full_name,
            u.nik,
            u.kk_number,
            u.language,
            u.village_office,
            u.password,
            u.is_active,
            u.is_staff,
            u.must_change_password,
            u.last_login,
            u.is_superuser,
        )
        for u in User.objects.filter(phone__startswith="+62812700").order_by("phone")
    ]
    audit = []
    for event in AuditEvent.objects.filter(action="person.register").order_by("id"):
        after = dict(event.after or {})
        audit.append(
            (
                event.actor_id,
                event.actor_label,
                event.object_type,
                event.object_label,
                after,
                event.before,
                event.reason,
                event.cooperative_id,
            )
        )
    return users, audit


def test_people_at_once_are_the_people_one_by_one():
    with transaction.atomic():
        for person in PEOPLE:
            services.user_register(actor=None, password=None, password_hash=HASH, **person)
        one_by_one = _written()
        transaction.set_rollback(True)
    users = services.users_register(actor=None, people=PEOPLE, password_hash=HASH)
    assert _written() == one_by_one
    assert len(one_by_one[0]) == len(one_by_one[1]) == 3
    assert [u.pk for u in users] == list(
        User.objects.filter(pk__in=[u.pk for u in users])
        .order_by("id")
        .values_list("pk", flat=True)
    )
    assert [u.phone for u in users] == ["+6281270000101", "+6281270000201", "+6281270000301"]
    assert all(u.check_password("Kopdes-Demo-2026") for u in users)


@pytest.mark.parametrize(
    ("people", "error"),
    [
        ([PEOPLE[0], {**PEOPLE[1], "nik": "123"}], InvalidPerson),
        ([PEOPLE[0], {**PEOPLE[1], "phone": PEOPLE[0]["phone"]}], PhoneTaken),
        ([PEOPLE[0], {**PEOPLE[1], "language": "jv"}], InvalidPerson),
    ],
)
def test_one_bad_person_refuses_them_all(people, error):
    with pytest.raises(error):
        services.users_register(actor=None, people=people, password_hash=HASH)
    assert _written() == ([], [])


def test_a_phone_already_taken_refuses_them_all():
    services.user_register(actor=None, password=None, password_hash=HASH, **PEOPLE[2])
    with pytest.raises(PhoneTaken):
        services.users_register(actor=None, people=PEOPLE, password_hash=HASH)
    assert len(_written()[0]) == 1


def test_an_unusable_hash_is_refused():
    with pytest.raises(InvalidPerson):
        services.users_register(actor=None, people=PEOPLE, password_hash="not-a-hash")
