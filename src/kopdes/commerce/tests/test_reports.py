"""The outlets' reports against numbers worked out by hand, on sales made through the services.

On D the sembako holds 10 sak of beras (Rp65.000 each) and 5 kg of telur (Rp25.000). The kasir
sells S1: 2 beras to a member (Rp70.000 each; HPP 130.000), S2: 1 beras to a non-member
(Rp72.000; HPP 65.000), S3: 2 kg telur to a non-member (Rp30.000 each; HPP 50.000). On D+1 the
bendahara sells S4: 1 beras to the member (70.000; HPP 65.000), a beras of S1 comes back (a
return approved by the ketua: Rp70.000) and 1 kg telur is written off as damaged (HPP 25.000).
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from kopdes.commerce import reports, selectors, services
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

D1 = D + timedelta(days=1)
PERIOD = reports.Period(D, D1)


@pytest.fixture
def sold(place_a):
    coop = place_a.cooperative
    unit = unit_of(coop)
    beras = make_product(coop)
    telur = make_product(
        coop, sku="TLR", name="Telur ayam", unit="kg", member_price=28_000,
        non_member_price=30_000,
    )  # fmt: skip
    stock_in(place_a, beras, 10, unit_cost=65_000)
    stock_in(place_a, telur, 5, unit_cost=25_000)
    member = make_member(coop)

    def sell(actor, lines, member=None):
        return services.sale_record(
            actor=actor, unit=unit, lines=lines, payment="cash", member=member
        )

    with at(D):
        s1 = sell(place_a.kasir, [(beras, 2)], member)
        sell(place_a.kasir, [(beras, 1)])
        sell(place_a.kasir, [(telur, 2)])
    with at(D1):
        sell(place_a.bendahara, [(beras, 1)], member)
        back = services.sale_return_request(
            actor=place_a.kasir, sale=s1, lines=[(beras, 1)], reason="Karung sobek",
            refund="cash",
        )  # fmt: skip
        services.sale_return_decide(actor=place_a.ketua, return_=back, approve=True)
        write_off = services.stock_write_off_request(
            actor=place_a.manajer, unit=unit, product=telur, quantity=1, reason="damaged"
        )
        services.stock_write_off_decide(actor=place_a.ketua, write_off=write_off, approve=True)
    return place_a, unit, beras, telur, member


def rows(report):
    return [(r.key, r.sales, r.quantity, r.revenue, r.cost, r.returns) for r in report.rows]


def test_sales_by_outlet_with_returns(sold, django_assert_num_queries):
    place_a, unit, *_ = sold
    with django_assert_num_queries(2):
        report = reports.sales(cooperative=place_a.cooperative, period=PERIOD, by="unit")
    assert rows(report) == [(unit.code, 4, 0, 342_000, 310_000, 70_000)]
    assert report.total.margin == 32_000
    assert report.total.margin_percent == Decimal("9.36")


def test_sales_by_product(sold, django_assert_num_queries):
    place_a, *_ = sold
    with django_assert_num_queries(1):
        report = reports.sales(cooperative=place_a.cooperative, period=PERIOD, by="product")
    assert rows(report) == [
        ("BRS-5", 3, 4, 282_000, 260_000, 0),
        ("TLR", 1, 2, 60_000, 50_000, 0),
    ]
    assert [r.margin_percent for r in report.rows] == [Decimal("7.80"), Decimal("16.67")]


def test_sales_by_day_and_by_kasir(sold, django_assert_num_queries):
    place_a, *_ = sold
    with django_assert_num_queries(1):
        by_day = reports.sales(cooperative=place_a.cooperative, period=PERIOD, by="day")
    assert [(r.day, r.sales, r.revenue, r.cost) for r in by_day.rows] == [
        (D, 3, 272_000, 245_000),
        (D1, 1, 70_000, 65_000),
    ]
    with django_assert_num_queries(1):
        by_kasir = reports.sales(cooperative=place_a.cooperative, period=PERIOD, by="kasir")
    assert [(r.label, r.sales, r.revenue) for r in by_kasir.rows] == [
        (place_a.kasir.full_name, 3, 272_000),
        (place_a.bendahara.full_name, 1, 70_000),
    ]
    only_d1 = reports.sales(cooperative=place_a.cooperative, period=reports.Period(D1, D1))
    assert only_d1.total.revenue == 70_000


def test_stock_position_after_the_day(sold):
    place_a, unit, *_ = sold
    (position,) = reports.stock_position(cooperative=place_a.cooperative, unit=unit)
    found = {r.sku: (r.quantity, r.value, r.average_cost) for r in position.rows}
    # beras: 10 - 4 sold + 1 returned (at its HPP, 65.000); telur: 5 - 2 sold - 1 written off
    assert found == {"BRS-5": (7, 455_000, 65_000), "TLR": (2, 50_000, 25_000)}
    assert position.value == 505_000


def test_movers(sold, django_assert_num_queries):
    place_a, *_ = sold
    with django_assert_num_queries(2):
        result = reports.movers(cooperative=place_a.cooperative, period=PERIOD)
    assert [(r.sku, r.sold, r.on_hand, r.per_day, r.cover_days, r.kind) for r in result.rows] == [
        ("BRS-5", 4, 7, Decimal("2.00"), 3, "fast"),
        ("TLR", 2, 2, Decimal("1.00"), 2, ""),
    ]


def test_a_product_that_does_not_sell_is_slow(sold):
    place_a, unit, *_ = sold
    gula = make_product(
        place_a.cooperative, sku="GL-1", name="Gula", unit="pcs", member_price=17_000,
        non_member_price=18_000,
    )  # fmt: skip
    stock_in(place_a, gula, 3, unit_cost=15_000, on=D1)
    result = reports.movers(cooperative=place_a.cooperative, period=PERIOD, unit=unit)
    assert [r.sku for r in result.slow] == ["GL-1"]
    assert next(r for r in result.rows if r.sku == "GL-1").cover_days is None


def test_shrinkage_against_sales(sold, django_assert_num_queries):
    place_a, _unit, *_ = sold
    with django_assert_num_queries(2):
        result = reports.shrinkage(cooperative=place_a.cooperative, period=PERIOD)
    (per_unit,) = result.units
    assert (per_unit.write_off, per_unit.count_loss, per_unit.sales) == (25_000, 0, 342_000)
    assert per_unit.share == Decimal("7.31")
    (telur,) = result.products
    assert (telur.sku, telur.loss, telur.sales, telur.quantity_lost) == ("TLR", 25_000, 60_000, 1)
    assert telur.share == Decimal("41.67")
    assert (
        reports.shrinkage(cooperative=place_a.cooperative, period=reports.Period(D, D)).products
        == []
    )


def test_member_purchases_net_of_returns(sold, django_assert_num_queries):
    _place, unit, _beras, _telur, member = sold
    with django_assert_num_queries(2):
        years = selectors.member_purchase_years(member=member, year=D.year)
    # S1 140.000 + S4 70.000 - the return 70.000
    assert [(r.code, r.this_year, r.last_year) for r in years.rows] == [(unit.code, 140_000, 0)]
    assert years.this_year == 140_000
    # the member page's table and the SHU's basis agree
    shu = selectors.member_purchases(member.cooperative, D.year, member)
    assert [(r.unit_code, r.net) for r in shu] == [(unit.code, 140_000)]


def test_another_cooperative_sees_nothing(sold, place_b):
    for by in reports.SALES_BY:
        assert reports.sales(cooperative=place_b.cooperative, period=PERIOD, by=by).rows == []
    assert reports.shrinkage(cooperative=place_b.cooperative, period=PERIOD).units == []
    assert reports.movers(cooperative=place_b.cooperative, period=PERIOD).rows == []
