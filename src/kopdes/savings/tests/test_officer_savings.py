"""The officers as related parties of the Catatan atas Laporan Keuangan: per role, from the
journal lines of their savings, nobody named (issue 10.8)."""

from datetime import date

import pytest

from kopdes.accounts import services as account_services
from kopdes.savings import selectors, services
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_officers_in_office_per_role_with_their_savings(place_a, time_machine):
    time_machine.move_to(date(2026, 4, 1))
    coop = place_a.cooperative
    ketua = make_member(coop, user=place_a.ketua)  # a member by their login
    bendahara = make_member(coop)  # ... or by their NIK
    place_a.bendahara.nik = bendahara.nik
    place_a.bendahara.save(update_fields=["nik"])
    other = make_member(coop)  # an ordinary member: not a related party
    for member, kind, amount in [
        (ketua, "wajib", 20_000),
        (ketua, "sukarela", 300_000),
        (bendahara, "pokok", 50_000),
        (other, "sukarela", 9_999_000),
    ]:
        services.savings_deposit(
            actor=None,
            cooperative=coop,
            member=member,
            kind=kind,
            amount=amount,
            on=date(2026, 3, 2),
        )
    services.savings_withdraw(
        actor=None, cooperative=coop, member=ketua, amount=100_000, on=date(2026, 3, 20)
    )
    # The sekretaris left before the period's end: no longer a related party.
    role = place_a.sekretaris.roles.get(cooperative=coop)
    account_services.role_end(actor=None, role=role, ended_on=date(2026, 3, 10))

    pengurus, pengawas = selectors.officer_savings(
        cooperative=coop, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert (pengurus.title, pengurus.people, pengurus.members) == ("Pengurus", 2, 2)
    assert pengurus.balances == {"wajib": 20_000, "sukarela": 200_000, "pokok": 50_000}
    assert (pengurus.deposits, pengurus.withdrawals, pengurus.loans) == (370_000, 100_000, 0)
    assert (pengawas.title, pengawas.people, pengawas.members, pengawas.balances) == (
        "Pengawas",
        2,
        0,
        {},
    )
    # Before the deposits, the same officers hold nothing.
    early, _ = selectors.officer_savings(
        cooperative=coop, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert (early.people, early.balances, early.deposits) == (3, {}, 0)
