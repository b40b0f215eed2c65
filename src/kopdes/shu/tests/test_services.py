"""The SHU through its services: simulated from the closed books, approved, posted by a second
person, paid into sukarela (the savings sub-ledger reconciles to 2-101) or in cash."""

from datetime import date

import pytest

from kopdes.commerce import services as commerce
from kopdes.commerce.tests.sale_factories import at, make_member, stocked
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.errors import InvalidPolicy
from kopdes.core.audit import AuditEvent
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalLine
from kopdes.savings import selectors as savings_selectors
from kopdes.savings import services as savings
from kopdes.savings.models import SavingsAccount
from kopdes.shu import rules, selectors, services
from kopdes.shu.errors import (
    AllocationNot100,
    AlreadyApproved,
    Deficit,
    SamePerson,
    WrongStatus,
    YearNotClosed,
)
from kopdes.shu.models import ShuYear

DAY = date(2026, 3, 2)
CLOSE = date(2027, 1, 11)


def _year(place, time_machine, *, close=True):
    """Three members with wajib savings and purchases in 2026, one sale to a non-member; then
    (at CLOSE) the year 2026 closed."""
    coop = place.cooperative
    sembako, beras, telur = stocked(place)
    members = [
        make_member(coop, name=n, joined_on=date(2025, 12, 1)) for n in ("Ani", "Budi", "Cici")
    ]
    with at(DAY):
        for member, saved, bought in zip(
            members, (100_000, 150_000, 250_000), (3, 2, 1), strict=True
        ):
            savings.savings_deposit(
                actor=None, cooperative=coop, member=member, kind="wajib", amount=saved, on=DAY
            )
            commerce.sale_record(
                actor=place.kasir,
                unit=sembako,
                lines=[(beras, bought)],
                payment="cash",
                member=member,
            )
        commerce.sale_record(actor=place.kasir, unit=sembako, lines=[(telur, 4)], payment="cash")
    time_machine.move_to(CLOSE)
    if close:
        ledger.year_end_close(actor=None, cooperative=coop, year=2026)
    return members


def _lines(entry):
    return sorted(
        (ln.account.code, ln.debit, ln.credit)
        for ln in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_simulate_approve_post_and_pay_into_sukarela(place_a, time_machine):
    coop = place_a.cooperative
    ani, budi, cici = _year(place_a, time_machine)
    result = selectors.year_result(coop, 2026)
    # Member sales 6 x 70.000 less their cost 6 x 65.000; the non-member's 4 kg of telur at
    # 28.000 less 4 x 25.000.
    assert result.member_income == 420_000 and result.non_member_income == 112_000
    assert result.shu_total == 420_000 - 390_000 + 112_000 - 100_000 == 42_000
    year = services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    assert (year.status, year.shu_total) == ("simulated", 42_000)
    # SHU x member income / all income = 42.000 x 420.000 / 532.000 = 33.157,89 -> 33.158
    assert (year.member_part, year.non_member_part) == (33_158, 8_842)
    lines = {ln.key: ln.amount for ln in selectors.allocation_lines(year)}
    assert sum(lines.values()) == 42_000
    # The default anggota 40%: 16.800 of the SHU; its share of the member part 13.263 (the rest,
    # 3.537, to the reserve with the reserve's own 25%: 10.500).
    assert lines["anggota"] == 13_263 and lines["cadangan"] == 10_500 + 3_537
    assert (year.jasa_modal_pool, year.jasa_usaha_pool) == (5_305, 7_958)
    shares = {s.member.full_name: s for s in selectors.member_shares(year)}
    assert (year.savings_total, year.transactions_total) == (500_000, 420_000)
    # JMA = 100.000 / 500.000 x 5.305 = 1.061; JUA = 210.000 / 420.000 x 7.958 = 3.979.
    assert (shares["Ani"].jasa_modal, shares["Ani"].jasa_usaha) == (1_061, 3_979)
    assert (shares["Budi"].jasa_modal, shares["Budi"].jasa_usaha) == (1_592, 2_653)
    assert (shares["Cici"].jasa_modal, shares["Cici"].jasa_usaha) == (2_652, 1_326)
    assert sum(s.total for s in shares.values()) == lines["anggota"]
    # Each member's statement recomputes to their share (within the rounding of one rupiah).
    for member in (ani, budi, cici):
        st = selectors.member_statement(year, member)
        assert abs(st.jasa_modal_exact - st.jasa_modal) < 1
        assert abs(st.jasa_usaha_exact - st.jasa_usaha) < 1
        assert st.total == st.jasa_modal + st.jasa_usaha == shares[member.full_name].total

    # Re-simulating replaces the simulation.
    again = services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    assert ShuYear.objects.filter(cooperative=coop, year=2026).count() == 1
    with pytest.raises(WrongStatus):
        services.shu_post(actor=place_a.bendahara, shu_year=again)
    approved = services.shu_approve(actor=place_a.ketua, shu_year=again, resolution="RAT-2027-03")
    with pytest.raises(AlreadyApproved):
        services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    # Maker-checker: the ketua simulated, so the ketua cannot post.
    with pytest.raises(SamePerson) as refused:
        services.shu_post(actor=place_a.ketua, shu_year=approved)
    assert refused.value.code == "shu.same_person"
    posted = services.shu_post(actor=place_a.bendahara, shu_year=approved)
    assert posted.status == "posted"
    assert _lines(posted.allocation_entry) == sorted(
        [("3-106", amount, 0) for amount in lines.values() if amount]
        + [
            (code, 0, lines[key])
            for key, code in (
                ("cadangan", "3-104"),
                ("anggota", "2-108"),
                ("pemerintah_desa", "2-109"),
                ("pengurus", "2-103"),
                ("karyawan", "2-104"),
                ("pendidikan", "2-105"),
                ("sosial", "2-106"),
            )
        ]
    )
    paid = services.shu_pay(actor=place_a.bendahara, shu_year=posted, channel="sukarela")
    assert paid.status == "paid"
    for member in (ani, budi, cici):
        account = SavingsAccount.objects.get(member=member, kind="sukarela")
        assert account.balance == shares[member.full_name].total
    assert all(row.difference == 0 for row in savings_selectors.reconciliation(cooperative=coop))
    assert savings_selectors.subledger_mismatches(cooperative=coop) == []
    assert list(
        AuditEvent.objects.filter(action__startswith="shu.", cooperative_id=coop.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["shu.simulate", "shu.simulate", "shu.approve", "shu.post", "shu.pay"]


def test_cash_payment_one_member_at_a_time(place_a, time_machine):
    coop = place_a.cooperative
    ani, _budi, _cici = _year(place_a, time_machine)
    year = services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    year = services.shu_approve(actor=None, shu_year=year, resolution="RAT-1")
    year = services.shu_post(actor=place_a.bendahara, shu_year=year)
    share = selectors.share_for(year, ani)
    year = services.shu_pay(actor=place_a.kasir, shu_year=year, channel="cash", member=ani)
    share.refresh_from_db()
    assert share.paid_channel == "cash" and _lines(share.paid_entry) == [
        ("1-101-01", 0, share.total),
        ("2-108", share.total, 0),
    ]
    assert year.status == "posted"
    year = services.shu_pay(actor=place_a.bendahara, shu_year=year, channel="sukarela")
    assert year.status == "paid"
    assert not SavingsAccount.objects.filter(member=ani, kind="sukarela").exists()


def test_a_year_not_closed_is_refused(place_a, time_machine):
    _year(place_a, time_machine, close=False)
    with pytest.raises(YearNotClosed) as refused:
        services.shu_simulate(actor=place_a.ketua, cooperative=place_a.cooperative, year=2026)
    assert refused.value.code == "shu.year_not_closed"


def test_a_deficit_gives_no_distribution(place_a, time_machine):
    coop = place_a.cooperative
    time_machine.move_to(date(2026, 3, 2))
    ledger.journal_entry_post(
        cooperative=coop,
        date=date(2026, 3, 2),
        memo="Listrik",
        lines=[
            ledger.Line(account="5-203", debit=50_000),
            ledger.Line(account="1-102", credit=50_000),
        ],
        source_kind="test",
    )
    time_machine.move_to(CLOSE)
    ledger.year_end_close(actor=None, cooperative=coop, year=2026)
    with pytest.raises(Deficit) as refused:
        services.shu_simulate(actor=place_a.ketua, cooperative=coop, year=2026)
    assert refused.value.code == "shu.deficit"
    assert not ShuYear.objects.filter(cooperative=coop).exists()


def test_a_policy_of_105_percent_cannot_be_recorded(place_a):
    lines = [
        {"key": "cadangan", "label": "Cadangan", "percent": "45"},
        {"key": "anggota", "label": "Anggota", "percent": "40"},
        {"key": "pengurus", "label": "Pengurus", "percent": "20"},
    ]
    with pytest.raises(InvalidPolicy) as refused:
        cooperative_services.policy_change(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            effective_from=date(2027, 1, 1),
            reason="RAT",
            shu_allocation=lines,
        )
    assert "105" in str(refused.value.fields["shu_allocation"])
    with pytest.raises(AllocationNot100):
        rules.check_allocation(lines)
