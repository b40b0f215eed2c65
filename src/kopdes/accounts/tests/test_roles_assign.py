"""`roles_assign`, a board appointed at once, writes exactly what `role_assign` seat by seat writes
and refuses what it refuses (the organ rules checked against the seats given in the same call)."""

from datetime import date

import pytest

from kopdes import testing
from kopdes.accounts import services
from kopdes.accounts.errors import (
    InvalidRole,
    PengawasChairNotVillageHead,
    PengurusAndPengawas,
    SeatTaken,
)
from kopdes.accounts.models import Role
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FOUNDED = date(2025, 7, 21)
KK = "3603011234567890"


def _board():
    """Eight people for the eight seats; the bendahara and a pengawas share a KK (flagged), as
    do the sekretaris and the ketua pengawas."""
    people = {
        name: testing.make_person(
            full_name=f"Pengurus {name.title()}",
            kk_number={"bendahara": KK, "pengawas_1": KK, "sekretaris": KK[:-1] + "1"}.get(
                name, KK[:-1] + "1" if name == "ketua_pengawas" else ""
            ),
            village_office="kepala_desa" if name == "ketua_pengawas" else "",
        )
        for name in (
            "ketua",
            "sekretaris",
            "bendahara",
            "wakil_usaha",
            "wakil_anggota",
            "ketua_pengawas",
            "pengawas_1",
            "pengawas_2",
        )
    }
    return [(person, name.removesuffix("_1").removesuffix("_2")) for name, person in people.items()]


def _roles(cooperative):
    return [
        (r.user_id, r.kind, r.started_on, r.ended_on, r.flag)
        for r in Role.objects.filter(cooperative=cooperative).order_by("id")
    ]


def _audit(cooperative):
    rows = []
    for event in AuditEvent.objects.filter(
        cooperative_id=cooperative.pk, action="role.assign"
    ).order_by("id"):
        after = dict(event.after or {})
        after.pop("id"), after.pop("cooperative"), after.pop("public_id")
        rows.append((event.actor_id, event.actor_label, event.action, event.object_type, after))
    return rows


def test_the_board_at_once_is_the_board_seat_by_seat():
    board = _board()
    one_by_one = testing.make_cooperative("36.03.01.2009", savings=False)
    at_once = testing.make_cooperative("36.03.01.2005", savings=False)
    for user, kind in board:
        services.role_assign(
            actor=None, cooperative=one_by_one, user=user, kind=kind, started_on=FOUNDED
        )
    roles = services.roles_assign(actor=None, cooperative=at_once, seats=board, started_on=FOUNDED)

    assert [(r.user_id, r.kind) for r in roles] == [(u.pk, k) for u, k in board]
    assert all(r.pk is not None for r in roles)
    assert _roles(at_once) == _roles(one_by_one)
    assert [r[4] for r in _roles(at_once)].count("") == 4  # two pairs flagged, both sides
    assert _audit(at_once) == _audit(one_by_one)
    assert len(_audit(at_once)) == 8


def test_seats_are_checked_against_the_roles_held_and_the_seats_before_them():
    cooperative = testing.make_cooperative("36.03.01.2009", savings=False)
    board = _board()
    services.roles_assign(actor=None, cooperative=cooperative, seats=board[:2], started_on=FOUNDED)
    taken_before = testing.make_person(full_name="Ketua Kedua")
    with pytest.raises(SeatTaken):
        services.roles_assign(actor=None, cooperative=cooperative, seats=[(taken_before, "ketua")])
    bendahara = board[2][0]
    for seats, error in (
        ([(bendahara, "bendahara"), (taken_before, "bendahara")], SeatTaken),
        ([(bendahara, "bendahara"), (bendahara, "pengawas")], PengurusAndPengawas),
        ([(bendahara, "bendahara"), (taken_before, "ketua_pengawas")], PengawasChairNotVillageHead),
        ([(bendahara, "bendahara"), (taken_before, "raja")], InvalidRole),
    ):
        with pytest.raises(error):
            services.roles_assign(actor=None, cooperative=cooperative, seats=seats)
        # all or nothing: the seat before the refused one is not given either
        assert len(_roles(cooperative)) == 2
        assert len(_audit(cooperative)) == 2


def test_a_flag_on_a_role_held_before_is_saved():
    cooperative = testing.make_cooperative("36.03.01.2009", savings=False)
    board = _board()
    ketua, sekretaris, bendahara = (person for person, _kind in board[:3])
    services.role_assign(
        actor=None, cooperative=cooperative, user=bendahara, kind="bendahara", started_on=FOUNDED
    )
    pengawas = board[6][0]  # the bendahara's KK
    services.roles_assign(
        actor=None, cooperative=cooperative, seats=[(ketua, "ketua"), (pengawas, "pengawas")]
    )
    flags = {r.user_id: r.flag for r in Role.objects.filter(cooperative=cooperative)}
    assert str(pengawas) in flags[bendahara.pk]
    assert str(bendahara) in flags[pengawas.pk]
    assert flags[ketua.pk] == ""
    assert sekretaris.pk not in flags
