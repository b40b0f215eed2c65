"""The members' bases from the sub-ledgers: savings at year end or on average (sukarela when the
policy says), purchases net of returns and loan interest paid; who shares (members at 31
December)."""

from datetime import date

from kopdes import testing
from kopdes.loans import services as loan_services
from kopdes.members.models import Member
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.shu import selectors


def _deposit(coop, member, kind, amount, on):
    savings.savings_deposit(
        actor=None, cooperative=coop, member=member, kind=kind, amount=amount, on=on
    )


def test_savings_at_year_end_or_on_average_with_sukarela_when_included(place_a, time_machine):
    coop = place_a.cooperative
    member = make_member(coop, joined_on=date(2026, 1, 1))
    time_machine.move_to(date(2027, 1, 10))
    _deposit(coop, member, "wajib", 120_000, date(2026, 7, 15))  # month-ends Jul..Dec
    _deposit(coop, member, "sukarela", 30_000, date(2026, 2, 1))
    _deposit(coop, member, "wajib", 50_000, date(2027, 1, 5))  # after the year: not counted

    def basis(kind, sukarela=False):
        return selectors.savings_bases(coop, 2026, basis=kind, include_sukarela=sukarela)[member.pk]

    assert basis("year_end") == 120_000
    assert basis("year_end", sukarela=True) == 150_000
    assert basis("average") == 60_000  # 6 x 120.000 / 12
    assert basis("average", sukarela=True) == 60_000 + 27_500  # sukarela 11 month-ends of 30.000


def test_loan_interest_paid_in_the_year_is_a_transaction(place_a):
    coop = place_a.cooperative
    member = make_member(coop)
    loans = testing.make_loans(place_a, member)
    repayment = loan_services.loan_repay(
        actor=place_a.kasir, loan=loans.active, amount=212_000, on=date(2026, 4, 2)
    )
    purchases, interest = selectors.transaction_bases(coop, 2026)
    assert repayment.interest > 0 and interest[member.pk] == repayment.interest
    assert purchases.get(member.pk, 0) == 0
    assert selectors.transaction_bases(coop, 2025)[1] == {}


def test_members_at_year_end_leave_out_who_left_during_the_year(place_a):
    coop = place_a.cooperative
    stays = make_member(coop, joined_on=date(2025, 3, 1))
    left_after = make_member(coop, joined_on=date(2025, 3, 1))
    left_during = make_member(coop, joined_on=date(2025, 3, 1))
    joined_after = make_member(coop, joined_on=date(2026, 1, 2))
    Member.objects.filter(pk=left_after.pk).update(
        status=Member.Status.RESIGNED, ended_on=date(2026, 2, 1)
    )
    Member.objects.filter(pk=left_during.pk).update(
        status=Member.Status.RESIGNED, ended_on=date(2025, 11, 30)
    )
    found = set(selectors.members_at_year_end(coop, 2025).values_list("pk", flat=True))
    assert {stays.pk, left_after.pk} <= found
    assert not {left_during.pk, joined_after.pk} & found
