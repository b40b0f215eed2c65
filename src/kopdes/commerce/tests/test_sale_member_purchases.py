"""Member purchases per member per unit, net of returns: the basis of the SHU's jasa usaha."""

from datetime import date

from kopdes.commerce import selectors, services
from kopdes.commerce.tests.sale_factories import (
    D,
    at,
    make_member,
    make_product,
    stock_in,
    stocked,
    unit_of,
)

NEXT_YEAR = date(2027, 1, 5)


def test_purchases_per_member_and_unit_net_of_returns_by_the_returns_date(place_a):
    coop = place_a.cooperative
    sembako, beras, telur = stocked(place_a)
    apotek = unit_of(coop, "apotek")
    obat = make_product(
        coop,
        sku="PCT",
        name="Parasetamol",
        unit="strip",
        member_price=4_000,
        non_member_price=5_000,
    )
    stock_in(place_a, obat, 10, unit_cost=3_000, unit=apotek)
    siti, budi = make_member(coop, name="Siti"), make_member(coop, name="Budi")
    with at(D):
        sale = services.sale_record(
            actor=place_a.kasir, unit=sembako, lines=[(beras, 2)], payment="cash", member=siti
        )
        services.sale_record(
            actor=place_a.kasir, unit=apotek, lines=[(obat, 3)], payment="cash", member=siti
        )
        services.sale_record(
            actor=place_a.kasir, unit=sembako, lines=[(telur, 1)], payment="cash", member=budi
        )
        services.sale_record(
            actor=place_a.kasir, unit=sembako, lines=[(telur, 5)], payment="cash"
        )  # no member
        return_ = services.sale_return_request(
            actor=place_a.kasir, sale=sale, lines=[(beras, 1)], reason="Basah", refund="cash"
        )
    with at(NEXT_YEAR):
        services.sale_return_decide(actor=place_a.manajer, return_=return_, approve=True)

    def rows(year=None, member=None):
        return {
            (r.member_name, r.unit_code): (r.purchases, r.returns, r.net)
            for r in selectors.member_purchases(coop, year=year, member=member)
        }

    assert rows(year=D.year) == {
        ("Siti", "sembako"): (140_000, 0, 140_000),
        ("Siti", "apotek"): (12_000, 0, 12_000),
        ("Budi", "sembako"): (27_000, 0, 27_000),
    }
    assert rows(year=NEXT_YEAR.year) == {("Siti", "sembako"): (0, 70_000, -70_000)}
    assert rows()[("Siti", "sembako")] == (140_000, 70_000, 70_000)
    assert set(rows(member=budi)) == {("Budi", "sembako")}
