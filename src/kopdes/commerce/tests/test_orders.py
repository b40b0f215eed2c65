"""Pickup orders: the member's order holds stock (StockLevel.reserved), a refusal names every
product short of stock, a retry with the same key is the same order, cancel and expiry free the
stock, only the member or a kasir may act, and the daily close expires late orders."""

from datetime import date, timedelta

import pytest

from kopdes import testing
from kopdes.commerce import services
from kopdes.commerce.daily import run as daily_run
from kopdes.commerce.errors import (
    InvalidPickupDate,
    NotAllowed,
    OrderReasonMissing,
    OrderStatusInvalid,
    OrderUnavailable,
    OrderUnitInvalid,
)
from kopdes.commerce.models import Order, Sale, StockLevel
from kopdes.commerce.tests.factories import D, at, make_product, stock_in, unit_of
from kopdes.core.audit import AuditEvent
from kopdes.core.errors import DomainError, IdempotencyConflict
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(place_a):
    coop = place_a.cooperative
    beras = make_product(coop)
    telur = make_product(
        coop, sku="TLR", name="Telur ayam", unit="kg", member_price=28_000, non_member_price=30_000
    )
    stock_in(place_a, beras, 10, unit_cost=65_000)
    stock_in(place_a, telur, 5, unit_cost=25_000)
    member = make_member(coop, user=place_a.anggota)
    return place_a, unit_of(coop), beras, telur, member


def level(unit, product) -> StockLevel:
    return StockLevel.objects.get(unit=unit, product=product)


def place(shop, lines, **kwargs):
    place_a, unit, *_rest, member = shop
    with at(kwargs.pop("on", D)):
        return services.order_place(
            actor=kwargs.pop("actor", place_a.anggota),
            member=member,
            unit=unit,
            lines=lines,
            **kwargs,
        )


def test_an_order_holds_its_stock_at_member_prices(shop):
    _place, unit, beras, telur, _member = shop
    order = place(shop, [(beras, 2), (telur, 3), (beras, 1)])
    assert order.number == f"OR-{D.year}-0001"
    assert order.status == Order.Status.PLACED
    assert order.pickup_by == D + timedelta(days=2)
    assert order.total == 3 * 70_000 + 3 * 28_000
    lines = {(line.product_id, line.quantity, line.unit_price) for line in order.lines.all()}
    assert lines == {(beras.pk, 3, 70_000), (telur.pk, 3, 28_000)}
    assert (level(unit, beras).quantity, level(unit, beras).reserved) == (10, 3)
    assert level(unit, telur).reserved == 3
    assert AuditEvent.objects.filter(action="commerce.order_place", object_id=str(order.public_id))


def test_a_refusal_names_every_product_short_of_stock(shop):
    _place, unit, beras, telur, _member = shop
    place(shop, [(beras, 8)])
    with pytest.raises(OrderUnavailable) as caught:
        place(shop, [(beras, 3), (telur, 6)])
    refusals = caught.value.as_dict()["details"]["refusals"]
    assert refusals == [
        {"product": beras.sku, "code": "commerce.insufficient_stock", "available": 2},
        {"product": telur.sku, "code": "commerce.insufficient_stock", "available": 5},
    ]
    assert caught.value.status == 409
    # nothing half-held
    assert level(unit, beras).reserved == 8 and level(unit, telur).reserved == 0
    assert Order.objects.count() == 1


def test_an_inactive_product_or_one_never_stocked_is_refused(shop):
    place_a, _unit, beras, _telur, _member = shop
    gula = make_product(
        place_a.cooperative,
        sku="GLA",
        name="Gula 1 kg",
        unit="pcs",
        member_price=17_000,
        non_member_price=18_000,
    )
    beras = services.product_update(actor=None, product=beras, is_active=False)
    with pytest.raises(OrderUnavailable) as caught:
        place(shop, [(beras, 1), (gula, 1)])
    codes = [r["code"] for r in caught.value.as_dict()["details"]["refusals"]]
    assert codes == ["commerce.product_inactive", "commerce.insufficient_stock"]


def test_the_same_key_is_the_same_order(shop):
    _place, unit, beras, _telur, _member = shop
    first = place(shop, [(beras, 2)], idempotency_key="k-1")
    again = place(shop, [(beras, 2)], idempotency_key="k-1")
    assert again.pk == first.pk
    assert level(unit, beras).reserved == 2
    with pytest.raises(IdempotencyConflict):
        place(shop, [(beras, 3)], idempotency_key="k-1")


def test_only_the_member_or_a_kasir_orders(shop, place_b):
    place_a, _unit, beras, _telur, _member = shop
    by_kasir = place(shop, [(beras, 1)], actor=place_a.kasir)
    assert by_kasir.status == Order.Status.PLACED
    stranger = testing.make_person(full_name="Orang Lain")
    for actor in (stranger, place_b.kasir, place_a.pengawas, None):
        with pytest.raises(NotAllowed):
            place(shop, [(beras, 1)], actor=actor)


def test_the_unit_must_sell_and_be_the_members_cooperative(shop, place_b):
    place_a, _unit, beras, _telur, member = shop
    office = unit_of(place_a.cooperative, "kantor")
    with at(D), pytest.raises(OrderUnitInvalid):
        services.order_place(actor=place_a.anggota, member=member, unit=office, lines=[(beras, 1)])
    with at(D), pytest.raises(OrderUnitInvalid):
        services.order_place(
            actor=place_a.anggota,
            member=member,
            unit=unit_of(place_b.cooperative),
            lines=[(beras, 1)],
        )


def test_the_pickup_day_is_today_to_two_weeks(shop):
    _place, _unit, beras, _telur, _member = shop
    for day in (D - timedelta(days=1), D + timedelta(days=15)):
        with pytest.raises(InvalidPickupDate):
            place(shop, [(beras, 1)], pickup_by=day)
    assert place(shop, [(beras, 1)], pickup_by=D + timedelta(days=14)).pickup_by == date(
        2026, 3, 16
    )


def test_ready_then_cancel_frees_the_stock(shop):
    place_a, unit, beras, _telur, _member = shop
    order = place(shop, [(beras, 4)])
    with at(D):
        with pytest.raises(NotAllowed):
            services.order_ready(actor=place_a.anggota, order=order)
        services.order_ready(actor=place_a.kasir, order=order)
        with pytest.raises(OrderReasonMissing):
            services.order_cancel(actor=place_a.anggota, order=order, reason="  ")
        services.order_cancel(actor=place_a.anggota, order=order, reason="Tidak jadi")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert level(unit, beras).reserved == 0
    event = AuditEvent.objects.get(action="commerce.order_cancel")
    assert event.reason == "Tidak jadi"
    with at(D), pytest.raises(OrderStatusInvalid):
        services.order_cancel(actor=place_a.kasir, order=order, reason="Lagi")


def test_expiry_frees_the_stock_of_late_orders_only(shop):
    _place, unit, beras, telur, _member = shop
    late = place(shop, [(beras, 2), (telur, 1)], pickup_by=D)
    later = place(shop, [(beras, 3)], pickup_by=D + timedelta(days=1))
    assert services.orders_expire(cooperative=late.cooperative, day=D - timedelta(days=1)) == 0
    assert services.orders_expire(cooperative=late.cooperative, day=D) == 1
    late.refresh_from_db()
    later.refresh_from_db()
    assert (late.status, later.status) == (Order.Status.EXPIRED, Order.Status.PLACED)
    assert level(unit, beras).reserved == 3 and level(unit, telur).reserved == 0


def test_the_daily_close_expires_late_orders(shop, settings):
    assert "kopdes.commerce.daily.run" in settings.KOPDES_DAILY_JOBS
    loans, commerce = (
        settings.KOPDES_DAILY_JOBS.index(job)
        for job in ("kopdes.loans.daily.run", "kopdes.commerce.daily.run")
    )
    assert loans < commerce
    order = place(shop, [(shop[2], 1)], pickup_by=D)
    outcome = daily_run(day=D, village=order.cooperative.village_id)
    assert outcome.failures == []
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert daily_run(day=D, village="99.99.99.9999").failures


def test_collect_makes_exactly_one_sale_and_releases_the_hold(shop):
    place_a, unit, beras, telur, member = shop
    order = place(shop, [(beras, 2), (telur, 1)])
    with at(D):
        with pytest.raises(NotAllowed):
            services.order_collect(actor=place_a.anggota, order=order, payment="cash")
        sale = services.order_collect(
            actor=place_a.kasir, order=order, payment="cash", tendered=200_000
        )
        with pytest.raises(OrderStatusInvalid):
            services.order_collect(actor=place_a.kasir, order=order, payment="cash")
        with pytest.raises(OrderStatusInvalid):
            services.order_cancel(actor=place_a.anggota, order=order, reason="Telat")
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED and order.sale_id == sale.pk
    assert Sale.objects.filter(cooperative=order.cooperative).count() == 1
    assert sale.source == Sale.Source.ORDER and sale.member_id == member.pk
    assert sale.total == 2 * 70_000 + 28_000 and sale.change == 200_000 - sale.total
    assert sale.entry_id is not None
    assert (level(unit, beras).quantity, level(unit, beras).reserved) == (8, 0)
    assert (level(unit, telur).quantity, level(unit, telur).reserved) == (4, 0)


def test_a_refused_collect_keeps_the_order_and_its_hold(shop):
    place_a, unit, beras, _telur, _member = shop
    order = place(shop, [(beras, 2)])
    with at(D), pytest.raises(DomainError):
        # cash short of the total: the sale is refused, nothing changes
        services.order_collect(actor=place_a.kasir, order=order, payment="cash", tendered=1_000)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert level(unit, beras).reserved == 2 and not Sale.objects.exists()
