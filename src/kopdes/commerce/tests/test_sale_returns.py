"""Returns: asked by the kasir with a reason, decided by another person who approves stock; the
goods back at the sale's cost, the refund in cash or to sukarela, "sale.returned" posted, the
member's purchases net of it; a sale itself is never changed."""

import pytest

from kopdes.commerce import selectors, services
from kopdes.commerce.errors import (
    InvalidRefund,
    NotAllowed,
    ReturnNotPending,
    ReturnReasonMissing,
    ReturnTooMuch,
    SamePerson,
)
from kopdes.commerce.models import SaleReturn
from kopdes.commerce.tests.sale_factories import (
    D,
    assert_stock_reconciles,
    at,
    balance,
    code,
    level,
    lines_of,
    make_member,
    member_with_savings,
    stocked,
)
from kopdes.savings.models import SavingsAccount


def sell(place, unit, lines, **kwargs):
    with at(D):
        return services.sale_record(
            actor=place.kasir,
            unit=unit,
            lines=lines,
            payment=kwargs.pop("payment", "cash"),
            **kwargs,
        )


def ask(place, sale, lines, refund="cash", reason="Kemasan sobek"):
    with at(D):
        return services.sale_return_request(
            actor=place.kasir, sale=sale, lines=lines, reason=reason, refund=refund
        )


def decide(place, return_, approve=True, actor=None):
    with at(D):
        return services.sale_return_decide(
            actor=actor or place.manajer, return_=return_, approve=approve, note="cek"
        )


def test_an_approved_cash_return_reverses_revenue_and_cost(place_a):
    unit, beras, telur = stocked(place_a, quantity=3, unit_cost=65_000)
    member = make_member(place_a.cooperative)
    sale = sell(place_a, unit, [(beras, 3), (telur, 2)], member=member)
    sold = {ln.product_id: (ln.quantity, ln.amount, ln.cost) for ln in sale.lines.all()}
    return_ = ask(place_a, sale, [(beras, 1)])
    assert (return_.status, return_.amount, return_.number) == (
        "requested",
        70_000,
        f"RT-{D.year}-0001",
    )
    assert level(unit, beras).quantity == 0  # nothing moves before the decision
    return_ = decide(place_a, return_)
    assert return_.status == "approved" and return_.cost == 65_000
    assert lines_of(return_.entry) == [
        (code(unit, "4-101"), 70_000, 0),
        (code(unit, "1-101"), 0, 70_000),
        (code(unit, "1-107"), 65_000, 0),
        (code(unit, "5-101"), 0, 65_000),
    ]
    assert level(unit, beras).quantity == 1
    assert_stock_reconciles(unit)
    # The sale itself is as it was.
    sale.refresh_from_db()
    assert {ln.product_id: (ln.quantity, ln.amount, ln.cost) for ln in sale.lines.all()} == sold
    assert sale.status == "completed"
    # Member purchases are net of the return.
    [row] = selectors.member_purchases(place_a.cooperative, year=D.year, member=member)
    assert (row.purchases, row.returns, row.net) == (sale.total, 70_000, sale.total - 70_000)


def test_returning_everything_restores_exactly_the_hpp(place_a):
    unit, beras, _telur = stocked(place_a, quantity=1, unit_cost=65_000)
    # Three sak received at three different costs: the moving average is not a whole rupiah.
    from kopdes.commerce.tests.factories import stock_in

    stock_in(place_a, beras, 1, unit_cost=65_001)
    stock_in(place_a, beras, 1, unit_cost=65_002)
    sale = sell(place_a, unit, [(beras, 3)])
    assert sale.cost == 65_000 + 65_001 + 65_002
    first = decide(place_a, ask(place_a, sale, [(beras, 1)]))
    assert first.cost == sale.cost // 3
    second = decide(place_a, ask(place_a, sale, [(beras, 2)]))
    assert first.cost + second.cost == sale.cost
    assert_stock_reconciles(unit)
    with pytest.raises(ReturnTooMuch):
        ask(place_a, sale, [(beras, 1)])


def test_a_refund_to_sukarela_clears_1_110(place_a):
    unit, beras, _telur = stocked(place_a)
    member = member_with_savings(place_a, 500_000)
    sale = sell(place_a, unit, [(beras, 2)], member=member, payment="member_credit")
    decide(place_a, ask(place_a, sale, [(beras, 2)], refund="member_credit"))
    assert SavingsAccount.objects.get(member=member, kind="sukarela").balance == 500_000
    assert balance(place_a.cooperative, "1-110") == 0


def test_refusals(place_a):
    unit, beras, telur = stocked(place_a)
    sale = sell(place_a, unit, [(beras, 2)])
    with pytest.raises(ReturnReasonMissing):
        ask(place_a, sale, [(beras, 1)], reason="  ")
    with pytest.raises(InvalidRefund):
        ask(place_a, sale, [(beras, 1)], refund="member_credit")  # not a member's sale
    with pytest.raises(ReturnTooMuch):
        ask(place_a, sale, [(beras, 3)])
    with pytest.raises(ReturnTooMuch):
        ask(place_a, sale, [(telur, 1)])  # not on the sale
    with pytest.raises(NotAllowed), at(D):
        services.sale_return_request(
            actor=place_a.anggota, sale=sale, lines=[(beras, 1)], reason="x", refund="cash"
        )
    return_ = ask(place_a, sale, [(beras, 2)])
    with pytest.raises(ReturnTooMuch):  # asked for already
        ask(place_a, sale, [(beras, 1)])
    with pytest.raises(NotAllowed):
        decide(place_a, return_, actor=place_a.kasir)  # the kasir does not approve stock
    rejected = decide(place_a, return_, approve=False)
    assert rejected.status == "rejected" and rejected.entry is None
    with pytest.raises(ReturnNotPending):
        decide(place_a, return_)
    assert SaleReturn.objects.filter(status="approved").count() == 0


def test_the_requester_cannot_decide(place_a):
    unit, beras, _telur = stocked(place_a)
    with at(D):
        sale = services.sale_record(
            actor=place_a.bendahara, unit=unit, lines=[(beras, 1)], payment="cash"
        )
        return_ = services.sale_return_request(
            actor=place_a.bendahara, sale=sale, lines=[(beras, 1)], reason="Rusak", refund="cash"
        )
    with pytest.raises(SamePerson):
        decide(place_a, return_, actor=place_a.bendahara)
