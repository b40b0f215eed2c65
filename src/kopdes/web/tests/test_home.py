"""The landing page, the Beranda (tiles and actions) and the menus that show only what opens."""

import re
import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from kopdes import testing
from kopdes.core import clock
from kopdes.core.months import month_text, previous_month, shift_month
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger.services import manual_journal_draft, period_close_through
from kopdes.members.models import Member
from kopdes.savings import services as savings
from kopdes.savings.models import Bill
from kopdes.savings.tests.factories import make_member
from kopdes.web import home as beranda

pytestmark = pytest.mark.django_db


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def tiles_of(client, coop) -> dict:
    response = client.get(url("cooperative_home", coop))
    assert response.status_code == 200
    return {tile.key: tile for tile in response.context["tiles"]}


def links(html: str) -> list[str]:
    return re.findall(r'<a href="(/app/[^"]+)"', html)


def nav_block(html: str, label: str) -> str:
    match = re.search(rf'<nav class="[^"]*" aria-label="{label}">(.*?)</nav>', html, re.S)
    assert match, f"no menu {label!r}"
    return match.group(1)


# -- landing and start -------------------------------------------------------------------------


def test_landing_is_public_and_links_the_public_pages(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for name in ("web:login", "web:transparency", "web:regions", "api:openapi-view"):
        assert f'href="{reverse(name)}"' in html
    assert "Kopdes" in html and "Koperasi Desa" in html


def test_landing_in_indonesian_and_english(client, settings):
    html = client.get("/").content.decode()
    assert "Terbuka untuk semua" in html and "Open to everyone" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Open to everyone" in html


def test_landing_links_a_signed_in_person_to_their_place(client, place_a):
    client.force_login(place_a.kasir)
    html = client.get("/").content.decode()
    assert url("cooperative_home", place_a.cooperative) in html
    assert f'href="{reverse("web:login")}"' not in html


def test_start_goes_to_the_beranda_of_the_only_place(client, place_a, dinas):
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:login"))
    client.force_login(place_a.bendahara)
    assert client.get(reverse("web:home"))["Location"] == url(
        "cooperative_home", place_a.cooperative
    )
    client.force_login(dinas)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:supervision")


def test_login_lands_on_the_beranda(client, place_a):
    client.force_login(place_a.kasir)
    response = client.get(reverse("web:home"), follow=True)
    assert response.redirect_chain[-1][0] == url("cooperative_home", place_a.cooperative)
    assert response.templates[0].name == "web/home/cooperative.html"


# -- tiles -------------------------------------------------------------------------------------


def test_requests_tile_counts_waiting_requests(client, place_a):
    coop = place_a.cooperative
    for _ in range(2):
        member = make_member(coop)
        Member.objects.filter(pk=member.pk).update(
            status=Member.Status.REQUESTED, number=None, joined_on=None
        )
    make_member(coop)  # active: not a request
    client.force_login(place_a.ketua)
    tile = tiles_of(client, coop)["requests"]
    assert tile.value == "2" and tile.todo
    assert tile.url == url("member_requests", coop)


def test_arrears_tile_counts_overdue_bills_only(client, place_a):
    coop = place_a.cooperative
    today = clock.today()
    this_month = month_text(today.year, today.month)
    last_month = month_text(*previous_month(today.year, today.month))
    earlier = month_text(*shift_month(today.year, today.month, -2))
    late, partly, paid_up = make_member(coop), make_member(coop), make_member(coop)

    def bill(member, period, paid=0, status=Bill.Status.UNPAID):
        Bill.objects.create(
            cooperative=coop,
            member=member,
            kind="wajib",
            period=period,
            amount=50_000,
            paid_amount=paid,
            status=status,
        )

    bill(late, earlier)
    bill(late, last_month)
    bill(partly, last_month, paid=20_000, status=Bill.Status.PARTIAL)
    bill(paid_up, last_month, paid=50_000, status=Bill.Status.PAID)
    bill(paid_up, this_month)  # the month has not ended: not overdue
    client.force_login(place_a.kasir)
    tile = tiles_of(client, coop)["arrears"]
    assert tile.value == "Rp130.000"  # 50.000 + 50.000 + 30.000
    assert "2" in tile.detail and tile.todo


def test_manual_journal_tile_counts_the_checkers_queue(client, place_a):
    coop = place_a.cooperative
    manual_journal_draft(
        actor=place_a.bendahara,
        cooperative=coop,
        date=clock.today(),
        memo="Beli ATK",
        lines=[{"account": "1-102", "debit": 1000}, {"account": "1-101-01", "credit": 1000}],
    )
    client.force_login(place_a.ketua)
    tile = tiles_of(client, coop)["manual_journals"]
    assert tile.value == "1" and tile.url == url("manual_journals", coop)


def test_months_to_close_tile(client, place_a):
    coop = place_a.cooperative
    today = clock.today()
    three_ago = shift_month(today.year, today.month, -3)
    member = make_member(coop)
    savings.savings_deposit(
        actor=None,
        cooperative=coop,
        member=member,
        kind="sukarela",
        amount=10_000,
        on=date(*three_ago, 5),
    )
    months = ledger_selectors.months_to_close(cooperative=coop, today=today)
    assert months[-1] == previous_month(today.year, today.month)
    assert three_ago in months and (today.year, today.month) not in months
    client.force_login(place_a.bendahara)
    assert tiles_of(client, coop)["months_to_close"].value == str(len(months))

    period_close_through(
        actor=place_a.bendahara, cooperative=coop, year=months[-2][0], month=months[-2][1]
    )
    tile = tiles_of(client, coop)["months_to_close"]
    assert tile.value == "1" and tile.todo
    period_close_through(
        actor=place_a.bendahara, cooperative=coop, year=months[-1][0], month=months[-1][1]
    )
    tile = tiles_of(client, coop)["months_to_close"]
    assert tile.value == "0" and not tile.todo


def test_cash_and_counter_tiles(client, place_a):
    coop = place_a.cooperative
    member = make_member(coop)
    before = ledger_selectors.cash_on_hand(cooperative=coop)
    for amount, channel in ((100_000, "cash"), (50_000, "bank")):
        savings.savings_deposit(
            actor=None, cooperative=coop, member=member, kind="sukarela", amount=amount,
            channel=channel,
        )  # fmt: skip
    savings.savings_withdraw(actor=None, cooperative=coop, member=member, amount=30_000)
    # yesterday's deposit is not today's counter
    savings.savings_deposit(
        actor=None, cooperative=coop, member=member, kind="sukarela", amount=7_000,
        on=date.fromordinal(clock.today().toordinal() - 1),
    )  # fmt: skip
    assert ledger_selectors.cash_on_hand(cooperative=coop) - before == 100_000 - 30_000 + 7_000

    client.force_login(place_a.bendahara)  # keeps the books and handles cash: both tiles
    tiles = tiles_of(client, coop)
    assert tiles["cash"].value == f"Rp{before + 77_000:,}".replace(",", ".")
    counter = tiles["counter"]
    assert counter.value == "Rp150.000"
    assert counter.detail.startswith("2 ") and "Rp30.000" in counter.detail


def test_outlet_tiles(client, place_a):
    """Today's completed sales per outlet, items below their reorder point and lots expiring
    within 30 days (MANAGE_STOCK), pickup orders waiting (HANDLE_CASH)."""
    from datetime import timedelta

    from kopdes.commerce import services as commerce
    from kopdes.commerce.tests.factories import make_product, stock_in, unit_of

    coop = place_a.cooperative
    today = clock.today()
    beras = make_product(coop, min_stock=20)  # 10 in stock: below its minimum
    stock_in(place_a, beras, 10, on=today)
    obat = make_product(
        coop, sku="PCT", name="Paracetamol", unit="strip", member_price=4_000,
        non_member_price=5_000, tracks_expiry=True,
    )  # fmt: skip
    apotek = unit_of(coop, "apotek")
    for days in (10, 45):
        stock_in(place_a, obat, 5, unit_cost=3_000, unit=apotek, on=today,
                 expiry_date=today + timedelta(days=days))  # fmt: skip
    member = make_member(coop)
    commerce.order_place(actor=place_a.kasir, member=member, unit=unit_of(coop), lines=[(beras, 2)])
    client.force_login(place_a.ketua)
    tiles = tiles_of(client, coop)
    assert tiles["stock_low"].value == "1" and tiles["stock_low"].todo
    assert tiles["stock_expiring"].value == "1"
    assert tiles["outlet_sales"].value == "Rp0"
    assert "pickup_orders" not in tiles  # the ketua does not handle cash
    client.force_login(place_a.kasir)
    tiles = tiles_of(client, coop)
    assert tiles["pickup_orders"].value == "1" and tiles["pickup_orders"].todo
    assert tiles["pickup_orders"].url == url("commerce_orders", coop)
    assert "stock_low" not in tiles


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        (
            "ketua",
            {"requests", "arrears", "manual_journals", "cash"},
            {"counter", "months_to_close"},
        ),
        (
            "kasir",
            {"arrears", "counter"},
            {"requests", "manual_journals", "cash", "months_to_close"},
        ),
        ("bendahara", {"months_to_close", "counter", "cash"}, {"requests"}),
        ("anggota", set(), {"requests", "arrears", "manual_journals", "cash", "counter"}),
    ],
)
def test_a_tile_needs_its_capability(client, place_a, who, shown, hidden):
    client.force_login(place_a.people[who])
    keys = set(tiles_of(client, place_a.cooperative))
    assert shown <= keys and not (hidden & keys)


def test_a_registered_tile_joins_the_page(client, place_a, monkeypatch):
    """Later capabilities add a tile in one place: the registry."""
    from kopdes.accounts.access import Capability

    def loans(request, cooperative):
        return beranda.Tile(key="loans", title="Pinjaman", value="3")

    monkeypatch.setattr(beranda, "TILES", [*beranda.TILES, (Capability.MANAGE_SAVINGS, loans)])
    client.force_login(place_a.bendahara)
    assert tiles_of(client, place_a.cooperative)["loans"].value == "3"
    client.force_login(place_a.kasir)
    assert "loans" not in tiles_of(client, place_a.cooperative)


@pytest.mark.parametrize(
    ("who", "actions"),
    [
        ("kasir", ["savings_deposit", "savings_withdraw", "savings_collective"]),
        ("ketua", ["member_new"]),
        ("pengawas", []),
    ],
)
def test_actions_follow_the_pages_capabilities(client, place_a, who, actions):
    client.force_login(place_a.people[who])
    response = client.get(url("cooperative_home", place_a.cooperative))
    assert [a["name"] for a in response.context["actions"]] == actions


# ketua: +3 outlet tiles (sales today, below minimum, expiring), +1 bank loan warnings, +1 SHU,
# +1 health assessment; kasir: +2 (sales, orders); both: +1 latest announcement
@pytest.mark.parametrize(("who", "queries"), [("ketua", 21), ("kasir", 15)])
def test_beranda_query_count(client, place_a, who, queries, django_assert_num_queries):
    """Session, user, the cooperative and its capabilities (cooperative_page), one query per
    tile, the menu's roles and grants: a fixed number, whatever the data."""
    coop = place_a.cooperative
    member = make_member(coop)
    savings.savings_deposit(actor=None, cooperative=coop, member=member, kind="sukarela", amount=1)
    client.force_login(place_a.people[who])
    client.get(url("cooperative_home", coop))  # warm caches (content types, sessions)
    with django_assert_num_queries(queries):
        assert client.get(url("cooperative_home", coop)).status_code == 200


# -- menus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [name for name, *_ in testing.PERSONAS])
def test_every_link_opens(client, place_a, who):
    """The main menu, the sub-menus, the Beranda's actions and the links of the members', a
    member's, the savings' and the statements' pages offer only pages that open for the person."""
    coop = place_a.cooperative
    member = make_member(coop)
    savings.savings_deposit(
        actor=None, cooperative=coop, member=member, kind="sukarela", amount=10_000
    )
    client.force_login(place_a.people[who])
    starts = [url(name, coop) for name in ("cooperative_home", "savings_bills", "journal")]
    starts += [url(name, coop) for name in ("members", "statements")]
    starts += [url(name, coop, member.public_id) for name in ("member", "member_savings")]
    seen: set[str] = set()
    for start in starts:
        response = client.get(start)
        if response.status_code == 404:
            continue  # not the person's page: no link led here (checked below)
        seen.update(links(response.content.decode()))
    seen = {link for link in seen if not link.endswith((".pdf", ".xlsx"))}
    assert seen
    for link in sorted(seen):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, f"{who}: {link}"


def test_savings_menu_by_role(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    menu = nav_block(client.get(url("savings_bills", coop)).content.decode(), "Simpanan")
    assert url("savings_deposit", coop) not in menu
    assert url("savings_reconciliation", coop) in menu
    client.force_login(place_a.kasir)
    menu = nav_block(client.get(url("savings_bills", coop)).content.decode(), "Simpanan")
    assert url("savings_deposit", coop) in menu
    assert url("savings_reconciliation", coop) not in menu
    assert url("savings_position", coop) not in menu


def test_current_page_is_marked(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    html = client.get(url("periods", coop)).content.decode()
    main = nav_block(html, "Menu utama")
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', main) == [url("journal", coop)]
    books = nav_block(html, "Pembukuan")
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', books) == [url("periods", coop)]
    home = nav_block(client.get(url("cooperative_home", coop)).content.decode(), "Menu utama")
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', home) == [
        url("cooperative_home", coop)
    ]


# -- the 404 page ------------------------------------------------------------------------------


def _plain(response) -> str:
    html = response.content.decode()
    html = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    return html


def test_404_keeps_the_cooperatives_menu(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    for path in (f"/app/{coop.public_id}/tidak-ada/", url("savings_reconciliation", coop)):
        response = client.get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert url("cooperative_home", coop) in nav_block(html, "Menu utama")
        assert html.count("<h1") == 1


def test_404_never_tells_a_cooperative_exists(client, place_a, place_b, outsider):
    other = place_b.cooperative
    for person in (place_a.kasir, outsider):
        client.force_login(person)
        pages = [
            _plain(client.get(path))
            for path in (
                f"/app/{other.public_id}/tidak-ada/",
                url("savings_bills", other),
                f"/app/{uuid.uuid4()}/tidak-ada/",
                "/tidak-ada/",
            )
        ]
        assert len(set(pages)) == 1, person
        assert other.name not in pages[0]
    anonymous = Client()
    assert _plain(anonymous.get(f"/app/{other.public_id}/tidak-ada/")) == _plain(
        anonymous.get(f"/app/{uuid.uuid4()}/tidak-ada/")
    )
