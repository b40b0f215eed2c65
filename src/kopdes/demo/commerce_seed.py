"""The demo's gerai (issue 12.9, ADR 0024): catalogue, suppliers, purchases, stock and sales,
booked by the commerce services as the officers and the kasir would; they replace the synthetic
weekly recaps of the books (`sale.cash`, `purchase.cash`).

Every cooperative opens its gerai a week after its CSR capital reaches the bank
(`ledger_seed.capital_day`) with its catalogue, imported at once (`catalogue_import`): sembako
everywhere; pupuk urea and NPK where farming is a livelihood; LPG 3 kg at the pangkalan of about
three in five; obat bebas in the apotek of the cooperatives with a year of sales. That is all
for most (`sales=None`). Those that sell (`WEEKS_OF_SALES`, `YEAR`) also get their suppliers, a
tablet for each selling gerai (`device_register`) and, with a year of sales, the sembako gerai's
static QRIS (`qris_merchant_set`); then, day by day (Monday to Saturday, each day as it
happened: `core.clock.as_of` that day, so the services' business date is the day and no stock
movement is back-dated; the postings keep the enclosing import's or week's time,
`core.clock.posted_as_of`, so the signed checkpoints are those of the books):

- the opening day and then every other Monday (every Monday on a short run): restocking by
  goods receipt (`goods_receive`, one per supplier and gerai: cash from the gerai's box; the
  bank for the warehouse's beras in sacks; on credit (utang usaha) from the sembako distributor
  in the last month), and, where the warehouse (pergudangan) keeps the beras sacks, a transfer
  to the sembako gerai (`stock_transfer`);
- every open day: baskets of one to five lines rung up on each gerai's tablet, offline, about
  three in five to members at member prices (the SHU's jasa usaha basis), the others at the
  non-member price; the tablets sync at the month's last Saturday and on the last day
  (`sales_sync`, the offline kasir's bulk path: each sale keeps its time, its stock movement
  and entry are dated the day it syncs);
- with a year of sales: a sale paid by QRIS on the month's first Saturday (`sale_record`, paid
  through the payment simulator `payment_simulate_paid`: the provider's signed notification),
  now and then a return approved by a second officer (`sale_return_request` / `_decide`), in
  the last SHIFT_WEEKS weeks the kasir's cash shift (`shift_open` / `shift_close`, the count's
  difference posted), once an opname of the sembako gerai with differences
  (`stock_count_start`, first count by the wakil ketua usaha, the second count of the differing
  lines by another officer, approval by a third) and a write-off of a damaged bottle in the
  apotek (requested and approved by two).

The books' cash simulation reads every entry the services posted (`ledger_seed.posted_drafts`):
the gerai's takings go to the office and the bank, a gerai short of cash for a purchase gets it
from the office, the QRIS funds are settled into the bank the next day.

Deterministic: each cooperative draws from its own `random.Random` seeded by its village code
(ids included: `uuid.UUID(int=...)`). Idempotent: a cooperative with products is left alone.
"""

from __future__ import annotations

import binascii
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kopdes.accounts.models import Role, User
from kopdes.commerce import services as commerce
from kopdes.commerce.models import PosDevice, Product, Sale, StockLevel
from kopdes.cooperatives.models import BusinessUnit, Cooperative, VillageProfile
from kopdes.core import clock
from kopdes.demo.ledger_seed import LAST_DAY, capital_day, first_round_villages
from kopdes.demo.members_seed import leaver
from kopdes.ledger.models import JournalEntry
from kopdes.members.models import Member

# The cooperatives with a year of sales: those after the first AS_POSTED (whose year is posted as
# it happened and so booked twice: seed.py) by village code, Cangkudu first.
FULL_YEAR_SHOP = 1
WEEKS = 1  # the others: their last weeks of sales
YEAR, WEEKS_OF_SALES = "year", "weeks"  # CommerceYear's `sales`
LPG_SHARE = 0.6  # of the cooperatives without a year of sales: an LPG 3 kg pangkalan
OPENS_AFTER_CAPITAL = 7  # days between the CSR capital and the gerai's opening
LAST_MONTH_ON_CREDIT = LAST_DAY - timedelta(days=30)  # the distributor's 30 days tempo
RAMADAN_2026 = (date(2026, 2, 16), date(2026, 3, 21))  # sembako sells more before Lebaran
MEMBER_SHARE = 0.6  # of the baskets
SHIFT_WEEKS = 2  # the last weeks: a cash shift per kasir-day
COMMERCE_KINDS = ("stock.", "sale.", "shift.")  # the commerce services' entries (source_kind)


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    unit: str  # the selling unit
    category: str
    cost: int  # from the supplier, per selling unit
    price: int  # to non-members
    gerai: str  # the unit kind that sells it
    supplier: str  # SUPPLIERS key
    weight: int  # how often it is in a basket (relative, within its gerai)
    most: int = 1  # at most this many in one basket line
    expiry: bool = False  # tracks expiry dates (the apotek)
    farming: bool = False  # only where farming is a livelihood
    warehouse: bool = False  # kept in the warehouse (pergudangan) and transferred to the gerai


# Prices of late 2026 in Kabupaten Tangerang (HET where there is one: Minyakita, LPG 3 kg at the
# pangkalan, subsidised fertiliser).
# fmt: off
CATALOGUE = [
    #    sku        name                                    unit      category           cost     price   gerai      supplier weight most
    Item("BRS-05",  "Beras medium 5 kg",                    "sak",    "Sembako",           61_000,  66_000, "sembako", "beras",   12),
    Item("BRS-25",  "Beras medium 25 kg",                   "sak",    "Sembako",          300_000, 322_000, "sembako", "beras",    2, warehouse=True),
    Item("TLR-KG",  "Telur ayam ras",                       "kg",     "Sembako",           27_500,  30_000, "sembako", "sembako", 10, 2),
    Item("MYK-1L",  "Minyak goreng Minyakita 1 liter",      "liter",  "Sembako",   14_600,  15_700, "sembako", "sembako",  9, 2),
    Item("MYK-2L",  "Minyak goreng kemasan 2 liter",        "botol",  "Sembako",   34_000,  37_500, "sembako", "sembako",  4),
    Item("GLA-1K",  "Gula pasir 1 kg",                      "kg",     "Sembako", 16_800,  18_500, "sembako", "sembako",  8, 2),
    Item("TPG-1K",  "Tepung terigu 1 kg",                   "kg",     "Sembako", 11_000,  12_500, "sembako", "sembako",  4),
    Item("MIE-GRG", "Mi instan goreng",                     "pcs",    "Makanan dan minuman",          2_900,   3_500, "sembako", "sembako", 10, 5),
    Item("KOPI-10", "Kopi sachet (renceng isi 10)",         "pcs",    "Makanan dan minuman",         12_000,  14_000, "sembako", "sembako",  6),
    Item("TEH-25",  "Teh celup isi 25",                     "pcs",    "Makanan dan minuman",          6_200,   7_500, "sembako", "sembako",  3),
    Item("SBN-BTG", "Sabun mandi batang",                   "pcs",    "Kebutuhan rumah",  3_600,   4_500, "sembako", "sembako",  5, 3),
    Item("URE-50",  "Pupuk urea 50 kg (bersubsidi)",        "sak",    "Pupuk",          106_000, 112_500, "sembako", "sembako",  2, 2, farming=True),
    Item("NPK-50",  "Pupuk NPK Phonska 50 kg (bersubsidi)", "sak",    "Pupuk",          109_000, 115_000, "sembako", "sembako",  2, 2, farming=True),
    Item("LPG-3K",  "LPG 3 kg (isi ulang)",                 "tabung", "LPG",             16_000,  19_000, "lpg",     "lpg",      1, 2),
    Item("PCT-500", "Parasetamol 500 mg (strip isi 10)",    "strip",  "Obat bebas",       2_800,   3_800, "apotek",  "pbf",      6, 2, expiry=True),
    Item("OBT-60",  "Obat batuk sirup 60 ml",               "botol",  "Obat bebas",      13_500,  17_000, "apotek",  "pbf",      3, expiry=True),
    Item("ORL-200", "Oralit 200 ml (sachet)",               "pcs",    "Obat bebas",         900,   1_500, "apotek",  "pbf",      2, 4, expiry=True),
    Item("VTC-500", "Vitamin C 500 mg (strip isi 10)",      "strip",  "Obat bebas",          5_000,   6_500, "apotek",  "pbf",      4, 2, expiry=True),
]
# fmt: on
SUPPLIERS = {
    # key: name, the agent's WhatsApp number (made up: +62 813 5550 ...), address
    "beras": ("UD Sumber Tani, agen beras", "+6281355501001", "Pasar Balaraja, Tangerang"),
    "sembako": ("CV Distributor Sembako Tangerang", "+6281355501002", "Jl. Raya Serang, Cikupa"),
    "lpg": ("PT Agen LPG Banten Sejahtera", "+6281355501003", "Jl. Raya Kresek, Tangerang"),
    "pbf": ("PBF Farma Medika Tangerang", "+6281355501004", "Jl. Daan Mogot, Tangerang"),
}
# The opname's differences: sku -> (first count less expected, second count less expected, reason)
OPNAME = {
    "TLR-KG": (-2, -2, "Telur pecah saat bongkar muat"),
    "MIE-GRG": (-4, -3, "Hilang, tidak ditemukan"),
    "GLA-1K": (1, 0, ""),  # miscounted: the second count finds what the books say
}
BASKET_LINES = ([1, 2, 3, 4, 5], [30, 25, 20, 15, 10])
BASKETS = {"sembako": (2, 5), "lpg": (1, 2), "apotek": (0, 1)}  # per open day (a year of sales)
BASKETS_ELSEWHERE = {"sembako": (3, 6), "lpg": (2, 4)}
BULK = 3  # warung owners' baskets in the year-long gerai (`CommerceYear._most`)


def ean13(number: str) -> str:
    """`number` (12 digits) with its EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(number))
    return number + str((10 - total % 10) % 10)


def barcode(index: int) -> str:
    """A demo barcode: the fake company prefix 899 0000 and the item's number."""
    return ean13(f"8990000{index + 1:05d}")


def member_price(item: Item, seed: str) -> int:
    """3 to 8 % below the non-member price, rounded down to Rp100 (the cooperative decides)."""
    off = random.Random(f"kopdes-price-{seed}-{item.sku}").randint(3, 8)
    return item.price * (100 - off) // 100 // 100 * 100


def static_qris(*, merchant: str, city: str, nmid: str) -> str:
    """A static QRIS payload (docs/domain.md §6): point of initiation 11, the QRIS merchant
    account template (tag 51), IDR, Indonesia, the merchant's name and city, CRC-16/CCITT-FALSE."""

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", nmid) + tlv("03", "UMI")
    body = (
        tlv("00", "01")
        + tlv("01", "11")
        + tlv("51", account)
        + tlv("52", "5411")
        + tlv("53", "360")
        + tlv("58", "ID")
        + tlv("59", merchant[:25])
        + tlv("60", city[:15])
        + "6304"
    )
    return body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"


@dataclass
class CommerceSeedResult:
    cooperatives: int = 0
    products: int = 0
    suppliers: int = 0
    receipts: int = 0  # goods receipts
    transfers: int = 0
    sales: int = 0  # completed
    member_sales: int = 0
    qris_sales: int = 0  # paid through the simulator
    returns: int = 0
    shifts: int = 0
    counts: int = 0  # opname posted
    write_offs: int = 0
    entries: int = 0

    def add(self, other: CommerceSeedResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _officers(cooperative: Cooperative) -> dict[str, User]:
    found: dict[str, User] = {}
    for role in (
        Role.objects.filter(cooperative=cooperative, ended_on__isnull=True)
        .select_related("user")
        .order_by("id")
    ):
        found.setdefault(role.kind, role.user)
    return found


class CommerceYear:
    """One cooperative's gerai, day by day through the commerce services.

    `book_before(day)` books the days before `day` (so another year booked on the same timeline,
    the savings, interleaves by date: `ledger_seed.Interleaved`); `finish()` books the rest and reads the
    entries back as drafts."""

    def __init__(
        self,
        cooperative: Cooperative,
        *,
        actor=None,
        sales: str | None,
        timeline=None,
        first_round=None,
    ) -> None:
        self.cooperative = cooperative
        self.full = full = sales == YEAR
        self.sells = sales is not None
        self.timeline = timeline
        self.seed = cooperative.village_id
        self.rng = random.Random(f"kopdes-commerce-{self.seed}")
        if first_round is None:
            first_round = cooperative.village_id in first_round_villages()
        self.opening = capital_day(seed=self.seed, first_round=first_round) + timedelta(
            days=OPENS_AFTER_CAPITAL
        )
        self.days = self._days()
        self.next = 0  # the first day in `days` not booked yet
        self.result = CommerceSeedResult(cooperatives=1)
        who = _officers(cooperative)
        self.ketua = who.get("ketua") or actor
        self.bendahara = who.get("bendahara") or actor
        self.usaha = who.get("wakil_usaha") or self.ketua
        self.kasir = who.get("kasir") or self.bendahara  # the bendahara keeps the till
        self.manajer = who.get("manajer") or self.usaha
        self.units = {
            u.kind: u
            for u in BusinessUnit.objects.filter(cooperative=cooperative).order_by("code")
            if u.kind in ("sembako", "lpg", "apotek", "pergudangan")
        }
        profile = VillageProfile.objects.filter(cooperative=cooperative).first()
        farming = profile is not None and any(
            "petani" in what or "peternak" in what for what in profile.main_livelihoods
        )
        # LPG 3 kg at the pangkalan of some cooperatives, the apotek's obat bebas in those with a
        # year of sales (its own generator: the sales' draws stay as they were).
        lpg = full or random.Random(f"kopdes-lpg-{self.seed}").random() < LPG_SHARE
        self.items = [
            item
            for item in CATALOGUE
            if item.gerai in self.units
            and (not item.farming or farming)
            and (item.gerai != "apotek" or full)
            and (item.gerai != "lpg" or lpg)
        ]
        self.products: dict[str, Product] = {}
        self.member_price = {item.sku: member_price(item, self.seed) for item in self.items}
        self.devices: dict[str, PosDevice] = {}
        self.sequence: dict[str, int] = defaultdict(int)
        self.queue: dict[str, list[dict]] = defaultdict(list)  # sales waiting on each tablet
        self.on_hand: dict[tuple[str, str], int] = defaultdict(int)  # (gerai, sku) -> quantity
        # Active members buy at member prices; not the one who moves away (members_seed): his
        # resignation may be booked before the gerai's days are (the savings year comes first).
        gone = leaver(cooperative) if self.sells else None
        self.members = (
            [
                m
                for m in Member.objects.filter(cooperative=cooperative, status=Member.Status.ACTIVE)
                .exclude(number__isnull=True)
                .order_by("number")
                if gone is None or m.pk != gone.pk
            ]
            if self.sells
            else []
        )
        self.paid_sales: list[Sale] = []  # cash sales that a return may come back to
        self.counted = False
        self.written_off = False

    # -- the calendar --------------------------------------------------------------------------

    def _days(self) -> list[date]:
        first = self.opening
        if not self.sells:  # the catalogue, on the opening day
            return [first]
        if not self.full:
            first = max(first, LAST_DAY - timedelta(weeks=WEEKS) + timedelta(days=1))
        days = []
        day = first
        while day <= LAST_DAY:
            if day.weekday() != 6 or day == first:  # closed on Sundays
                days.append(day)
            day += timedelta(days=1)
        return days

    def _at(self, day: date) -> AbstractContextManager:
        return self.timeline.at(day) if self.timeline is not None else nullcontext()

    @contextmanager
    def _on(self, day: date, hour: int, minute: int = 0) -> Iterator[None]:
        """The day as the services see it: `day` at `hour`, Jakarta time. The ledger records the
        postings at the caller's moment (the opening import, or the week's end on a timeline:
        `core.clock.posted_as_of`), like the rest of the year's books, so the signed checkpoints
        are those of the books without the gerai."""
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        with clock.posted_as_of(clock.posting_now()), clock.as_of(moment):
            yield

    def next_day(self) -> date | None:
        """The first day not booked yet (None: all are)."""
        return self.days[self.next] if self.next < len(self.days) else None

    def book_before(self, day: date) -> None:
        while self.next < len(self.days) and self.days[self.next] < day:
            self._book_day(self.days[self.next])
            self.next += 1

    def finish(self) -> None:
        self.book_before(date.max)
        if self.sells:  # a catalogue posts nothing
            self._summarise()

    # -- one day -------------------------------------------------------------------------------

    def _syncs(self, day: date) -> bool:
        """The tablets sync on the month's last Saturday evening (with a year of sales) and on
        the last day: the gerai's tablet works offline, and the manajer takes it to the office's
        connection for the month's report."""
        last_saturday = day.weekday() == 5 and (day + timedelta(days=7)).month != day.month
        return day == self.days[-1] or (self.full and last_saturday)

    def _restocks(self, day: date) -> bool:
        """The opening day, then every other Monday (every Monday on a short run)."""
        monday = day.weekday() == 0 and (not self.full or day.isocalendar().week % 2 == 0)
        return day == self.days[0] or monday

    def _book_day(self, day: date) -> None:
        with self._at(day):
            if not self.products:
                with self._on(day, 7):
                    self._open(day)
            if not self.sells:
                return
            opname = self.full and not self.counted and day.weekday() == 0
            if opname and day >= LAST_DAY - timedelta(weeks=5):  # before the week's business
                with self._on(day, 6):
                    self._opname(day)
            if self._restocks(day):
                with self._on(day, 8):
                    self._restock(day)
            for gerai in self.devices:  # the day's sales, queued on the tablet
                self._ring_up(day, gerai)
            syncs = self._syncs(day)
            shift = None
            if syncs and self.full and day > LAST_DAY - timedelta(weeks=SHIFT_WEEKS):
                with self._on(day, 7, 30):
                    shift = commerce.shift_open(
                        actor=self.kasir,
                        unit=self.units["sembako"],
                        opening_float=500_000,
                        device=self.devices.get("sembako"),
                    )
            if self.full and day.weekday() == 5 and day.day <= 7:  # the month's first Saturday
                self._qris_sale(day)
            if self.full and day.weekday() == 5 and 7 < day.day <= 14 and self.rng.random() < 0.6:
                self._return(day)
            if self.full and not self.written_off and day >= date(2026, 6, 1):
                with self._on(day, 17):
                    self._write_off(day)
            if syncs:
                with self._on(day, 20, 30):
                    for gerai in self.devices:
                        self._sync(gerai)
            if shift is not None:
                with self._on(day, 21):
                    self._close_shift(shift)

    def _open(self, day: date) -> None:
        """The opening day: categories, the catalogue, suppliers, devices, the static QRIS."""
        actor, coop = self.usaha, self.cooperative
        rows = [
            {
                "sku": item.sku,
                "name": item.name,
                "unit": item.unit,
                "barcode": barcode(index),
                "category": item.category,
                "member_price": self.member_price[item.sku],
                "non_member_price": item.price,
                "tracks_expiry": item.expiry,
            }
            for index, item in enumerate(CATALOGUE)
            if item in self.items
        ]
        imported = commerce.catalogue_import(actor=actor, cooperative=coop, rows=rows)
        self.products = {product.sku: product for product in imported.products}
        self.result.products += len(self.products)
        self.suppliers = {}
        for key in sorted({item.supplier for item in self.items} if self.sells else ()):
            name, phone, address = SUPPLIERS[key]
            self.suppliers[key] = commerce.supplier_create(
                actor=actor, cooperative=coop, name=name, phone=phone, address=address
            )
        self.result.suppliers += len(self.suppliers)
        for gerai in sorted({item.gerai for item in self.items} if self.sells else ()):
            unit = self.units[gerai]
            self.devices[gerai] = commerce.device_register(
                actor=self.kasir,
                unit=unit,
                public_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                label=f"Tablet kasir {unit.name}",
            )
        if self.full:
            from kopdes.payments import services as payments

            unit = self.units["sembako"]
            payments.qris_merchant_set(
                actor=actor,
                cooperative=coop,
                unit=unit,
                static_payload=static_qris(
                    merchant=f"KOPDES {coop.village.name}".upper(),
                    city="TANGERANG",
                    nmid=f"ID10{self.rng.randrange(10**11, 10**12)}",
                ),
            )

    # -- stock ---------------------------------------------------------------------------------

    def _most(self, item: Item) -> int:
        """At most this many of `item` in a basket line: in the year-long gerai, warung owners
        buy to resell next to the households, up to BULK times a household's quantity."""
        return item.most * (BULK if self.full else 1)

    def _weekly(self, item: Item) -> int:
        """Expected units of `item` sold a week at its gerai (the basket model below)."""
        low, high = (BASKETS if self.full else BASKETS_ELSEWHERE).get(item.gerai, (0, 0))
        lines, weights = BASKET_LINES
        mean_lines = sum(n * w for n, w in zip(lines, weights, strict=True)) / sum(weights)
        total = sum(i.weight for i in self.items if i.gerai == item.gerai)
        per_basket = min(1.0, mean_lines * item.weight / total) * (1 + self._most(item)) / 2
        boost = 1.5  # Ramadan and the busy days
        return int(6 * (low + high) / 2 * per_basket * boost) + 2

    def _restock(self, day: date) -> None:
        """Each gerai's shelves back to two weeks of sales (three when restocking every other
        week), one receipt per supplier."""
        orders: dict[tuple[str, str], list] = defaultdict(list)  # (gerai, supplier) -> lines
        moves: list[tuple[Item, int]] = []
        for item in self.items:
            target = (3 if self.full else 2) * self._weekly(item)
            have = self.on_hand[(item.gerai, item.sku)]
            if have >= target * 6 // 10:
                continue
            if item.warehouse and "pergudangan" in self.units and self.full:
                in_store = self.on_hand[("pergudangan", item.sku)]
                if in_store < target - have:  # the warehouse buys a month's sacks
                    orders[("pergudangan", item.supplier)].append((item, 4 * target))
                moves.append((item, target - have))
            else:
                orders[(item.gerai, item.supplier)].append((item, target - have))
        for (gerai, supplier), lines in sorted(orders.items(), key=lambda o: o[0]):
            if gerai == "pergudangan":
                payment = "bank"
            elif supplier == "sembako" and day >= LAST_MONTH_ON_CREDIT:
                payment = "credit"
            else:
                payment = "cash"
            commerce.goods_receive(
                actor=self.usaha,
                unit=self.units[gerai],
                supplier=self.suppliers[supplier],
                lines=[self._receipt_line(item, quantity, day) for item, quantity in lines],
                payment=payment,
                idempotency_key=f"demo-gr-{self.seed}-{day.isoformat()}-{gerai}-{supplier}",
            )
            for item, quantity in lines:
                self.on_hand[(gerai, item.sku)] += quantity
            self.result.receipts += 1
        if moves:
            commerce.stock_transfer(
                actor=self.usaha,
                from_unit=self.units["pergudangan"],
                to_unit=self.units["sembako"],
                lines=[(self.products[item.sku], quantity) for item, quantity in moves],
            )
            for item, quantity in moves:
                self.on_hand[("pergudangan", item.sku)] -= quantity
                self.on_hand[(item.gerai, item.sku)] += quantity
            self.result.transfers += 1

    def _receipt_line(self, item: Item, quantity: int, day: date):
        product = self.products[item.sku]
        if item.expiry:  # obat bebas keep two years
            return (product, quantity, item.cost, day + timedelta(days=700))
        return (product, quantity, item.cost)

    # -- sales ---------------------------------------------------------------------------------

    def _basket(self, gerai: str) -> list[tuple[Item, int]]:
        rng = self.rng
        items = [i for i in self.items if i.gerai == gerai]
        lines, weights = BASKET_LINES
        size = min(len(items), rng.choices(lines, weights)[0])
        chosen: list[Item] = []
        while len(chosen) < size:
            item = rng.choices(items, [i.weight for i in items])[0]
            if item not in chosen:
                chosen.append(item)
        basket = []
        for item in chosen:
            quantity = rng.randint(1, self._most(item))
            if self.on_hand[(gerai, item.sku)] >= quantity:
                basket.append((item, quantity))
        return basket

    def _member(self, day: date) -> Member | None:
        if not self.members or self.rng.random() >= MEMBER_SHARE:
            return None
        member = self.rng.choice(self.members)
        if member.joined_on is None or member.joined_on > day:
            return None
        return member

    def _ring_up(self, day: date, gerai: str) -> None:
        """The day's sales at the gerai's tablet, queued offline until it syncs."""
        rng = self.rng
        low, high = (BASKETS if self.full else BASKETS_ELSEWHERE)[gerai]
        count = rng.randint(low, high)
        if gerai == "sembako" and RAMADAN_2026[0] <= day <= RAMADAN_2026[1]:
            count = count * 3 // 2
        minutes = sorted(rng.randrange(7 * 60, 20 * 60) for _ in range(count))
        for minute in minutes:
            basket = self._basket(gerai)
            if not basket:
                continue
            member = self._member(day)
            self.sequence[gerai] += 1
            lines: list[dict] = []
            total = 0
            for item, quantity in basket:
                price = self.member_price[item.sku] if member is not None else item.price
                lines.append({"product": item.sku, "quantity": quantity, "unit_price": price})
                total += quantity * price
                self.on_hand[(gerai, item.sku)] -= quantity
            sold_at = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))
            self.queue[gerai].append(
                {
                    "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "sequence": self.sequence[gerai],
                    "sold_at": sold_at.isoformat(),
                    "member": str(member.number) if member is not None else None,
                    "payment": "cash",
                    "lines": lines,
                    "total": total,
                }
            )
            self.result.member_sales += member is not None

    def _sync(self, gerai: str) -> None:
        """The queued sales of the gerai's tablet, synced (`sales_sync`: the offline path)."""
        sales, self.queue[gerai] = self.queue[gerai], []
        if not sales:
            return
        results = commerce.sales_sync(actor=self.kasir, device=self.devices[gerai], sales=sales)
        accepted = [r for r in results if r.status == "accepted"]
        if len(accepted) != len(sales):
            rejected = [r for r in results if r.status != "accepted"]
            raise ValueError(f"demo sales not accepted: {rejected[:3]}")
        self.result.sales += len(accepted)

    def _qris_sale(self, day: date) -> None:
        """A member pays by QRIS at the sembako gerai; the provider's notification (the
        simulator, signed) completes the sale."""
        from kopdes.payments import services as payments
        from kopdes.payments.models import PaymentIntent

        basket = self._basket("sembako")
        if not basket:
            return
        member = self._member(day)
        with self._on(day, 10, 15):
            sale = commerce.sale_record(
                actor=self.kasir,
                unit=self.units["sembako"],
                lines=[(self.products[item.sku], quantity) for item, quantity in basket],
                payment="qris",
                member=member,
                client_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            )
            intent = PaymentIntent.objects.get(
                cooperative=self.cooperative, purpose="commerce.sale", reference=str(sale.public_id)
            )
        with self._on(day, 10, 16):
            payments.payment_simulate_paid(intent)
        for item, quantity in basket:
            self.on_hand[("sembako", item.sku)] -= quantity
        self.result.qris_sales += 1
        self.result.sales += 1
        self.result.member_sales += member is not None

    def _return(self, day: date) -> None:
        """A member brings back a line of a recent sale (a torn sack, a broken bottle): the
        kasir records it, the bendahara (or the ketua) approves, cash back."""
        sale = (
            Sale.objects.filter(
                cooperative=self.cooperative,
                unit=self.units["sembako"],
                payment="cash",
                status="completed",
                on__gte=day - timedelta(days=28),  # synced at the month's end
            )
            .order_by("number")
            .first()
        )
        if sale is None:
            return
        line = sale.lines.order_by("id").first()
        if line is None:
            return
        with self._on(day, 16):
            request = commerce.sale_return_request(
                actor=self.kasir,
                sale=sale,
                lines=[(line.product, 1)],
                reason="Kemasan rusak, dikembalikan pembeli",
                refund="cash",
            )
            approver = self._another(self.kasir, among=(self.bendahara, self.ketua))
            commerce.sale_return_decide(
                actor=approver, return_=request, approve=True, note="Barang diperiksa"
            )
        self.result.returns += 1
        sku = next(s for s, p in self.products.items() if p.pk == line.product_id)
        self.on_hand[("sembako", sku)] += 1

    def _close_shift(self, shift) -> None:
        from kopdes.commerce.selectors import expected_cash

        shift.refresh_from_db()
        expected = expected_cash(shift)["expected"]
        short = self.rng.choice([0, 0, 0, 0, -2_000, -5_000, 1_000])
        commerce.shift_close(
            actor=self.kasir,
            shift=shift,
            counted_cash=expected + short,
            note="" if not short else "Selisih kembalian",
        )
        self.result.shifts += 1

    def _opname(self, day: date) -> None:
        """The sembako gerai's stock count: three lines differ at the first count (the wakil
        ketua usaha); the bendahara counts them again (one was miscounted); the differences that
        stand get their reasons, and the ketua, who counted nothing, approves the adjustment."""
        unit = self.units["sembako"]
        count = commerce.stock_count_start(actor=self.usaha, unit=unit, note="Opname akhir bulan")
        lines = list(count.lines.order_by("id"))
        product = {p.pk: p for p in self.products.values()}
        sku = {p.pk: s for s, p in self.products.items()}
        first: dict[Product, int] = {}
        second: dict[Product, int] = {}
        reasons: dict[Product, str] = {}
        for line in lines:
            found, recount, reason = OPNAME.get(sku[line.product_id], (0, 0, ""))
            if line.expected_quantity + min(found, recount) < 0:
                found = recount = 0
            first[product[line.product_id]] = line.expected_quantity + found
            if found:
                second[product[line.product_id]] = line.expected_quantity + recount
            if recount:
                reasons[product[line.product_id]] = reason
        recounter = self._another(self.usaha, among=(self.bendahara, self.manajer, self.ketua))
        approver = self._another(self.usaha, recounter, among=(self.ketua, self.manajer))
        commerce.stock_count_record(actor=self.usaha, count=count, counts=first)
        commerce.stock_count_recount(actor=recounter, count=count, counts=second)
        commerce.stock_count_submit(actor=self.usaha, count=count, reasons=reasons)
        commerce.stock_count_approve(actor=approver, count=count)
        for line in lines:
            counted = product[line.product_id]
            final = second.get(counted, first[counted])
            self.on_hand[("sembako", sku[line.product_id])] += final - line.expected_quantity
        self.counted = True
        self.result.counts += 1

    def _write_off(self, day: date) -> None:
        item = next(i for i in self.items if i.sku == "OBT-60")
        if self.on_hand[("apotek", item.sku)] < 1:
            return
        request = commerce.stock_write_off_request(
            actor=self.manajer,
            unit=self.units["apotek"],
            product=self.products[item.sku],
            quantity=1,
            reason="damaged",
            note="Botol pecah jatuh dari rak",
        )
        commerce.stock_write_off_decide(
            actor=self._another(self.manajer, among=(self.ketua, self.bendahara)),
            write_off=request,
            approve=True,
        )
        self.on_hand[("apotek", item.sku)] -= 1
        self.written_off = True
        self.result.write_offs += 1

    @staticmethod
    def _another(*not_these, among):
        """The first officer of `among` who is none of `not_these` (the four-eyes rule)."""
        return next(who for who in among if who is not None and who not in not_these)

    # -- what was booked -----------------------------------------------------------------------

    def _summarise(self) -> None:
        self.result.entries = (
            JournalEntry.objects.filter(cooperative=self.cooperative).filter(_kinds()).count()
        )


def _kinds():
    from django.db.models import Q

    q = Q()
    for prefix in COMMERCE_KINDS:
        q |= Q(source_kind__startswith=prefix)
    return q


def commerce_year(
    cooperative: Cooperative, *, actor=None, sales: str | None, timeline=None
) -> CommerceYear | None:
    """The gerai's year of `cooperative` ready to book (None when it has products already):
    `sales` YEAR, WEEKS_OF_SALES or None (the catalogue and the suppliers only)."""
    if Product.objects.filter(cooperative=cooperative).exists():
        return None
    return CommerceYear(cooperative, actor=actor, sales=sales, timeline=timeline)


def stock_on_hand(cooperative: Cooperative) -> dict[tuple[str, str], int]:
    """(unit code, sku) -> quantity on hand: for the tests."""
    return {
        (unit, sku): quantity
        for unit, sku, quantity in StockLevel.objects.filter(cooperative=cooperative).values_list(
            "unit__code", "product__sku", "quantity"
        )
    }


Factory = Callable[..., CommerceYear | None]
