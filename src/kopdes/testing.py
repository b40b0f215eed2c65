"""Test support shared by every app: factories that keep each graph inside one cooperative,
the personas of the root conftest, and the one-line cross-tenant check."""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kopdes.accounts import services as account_services
from kopdes.accounts.models import Role, SupervisionGrant, User
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import Cooperative
from kopdes.regions.models import Village

PASSWORD = "Uji-Sandi-2026"  # noqa: S105 - test personas only
_phones = itertools.count(1)
FOUNDED_ON = date(2025, 7, 21)


def make_person(
    *,
    full_name: str,
    nik: str = "",
    kk_number: str = "",
    village_office: str = "",
    phone: str = "",
) -> User:
    """A person with a fresh valid phone number (unless given) and the test password."""
    phone = phone or f"+62812{next(_phones):08d}"
    return account_services.user_register(
        actor=None,
        phone=phone,
        password=PASSWORD,
        full_name=full_name,
        nik=nik,
        kk_number=kk_number,
        village_office=village_office,
    )


def make_cooperative(village_code: str, *, savings: bool = True) -> Cooperative:
    """A founded cooperative with its chart of accounts and default posting rules, and (unless
    `savings=False`) its savings products and posting rules, as a cooperative is set up."""
    from kopdes.ledger.services import chart_create
    from kopdes.savings.services import savings_setup

    cooperative = cooperative_services.cooperative_found(
        actor=None, village=Village.objects.get(code=village_code), founded_on=FOUNDED_ON
    )
    chart_create(cooperative=cooperative)
    if savings:
        savings_setup(actor=None, cooperative=cooperative)
    return cooperative


@dataclass
class Place:
    """One cooperative and the people who hold its roles."""

    cooperative: Cooperative
    people: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


# The personas of a place: (attribute, role kind, village office).
PERSONAS = [
    ("ketua", "ketua", ""),
    ("sekretaris", "sekretaris", ""),
    ("bendahara", "bendahara", ""),
    ("manajer", "manajer", ""),
    ("kasir", "kasir", ""),
    ("kepala_desa", "ketua_pengawas", "kepala_desa"),
    ("pengawas", "pengawas", ""),
    ("anggota", "anggota", ""),
]


def make_place(village_code: str, label: str, *, phones: str = "") -> Place:
    """A cooperative with one person per persona. `phones`, a prefix such as "+628199901",
    numbers the people `<prefix>01`, `<prefix>02`, ... instead of taking fresh numbers."""
    cooperative = make_cooperative(village_code)
    place = Place(cooperative=cooperative)
    seats = []
    for n, (name, kind, office) in enumerate(PERSONAS, start=1):
        person = make_person(
            full_name=f"{name.title()} {label}",
            village_office=office,
            phone=f"{phones}{n:02d}" if phones else "",
        )
        seats.append((person, kind))
        place.people[name] = person
    # Held since the founding, so tests that travel back in time still find the roles in force
    # (a role gives rights only from its start date).
    account_services.roles_assign(
        actor=None, cooperative=cooperative, seats=seats, started_on=FOUNDED_ON
    )
    return place


# The root conftest's two places, built once per test run (see `persona_place`).
PLACES = {
    "A": ("36.03.01.2003", "+628199901"),  # Cangkudu, Balaraja
    "B": ("36.03.13.2001", "+628199902"),  # Teluknaga, Teluknaga
}
_place_ids: dict[str, tuple[int, dict[str, int]]] = {}


def build_places() -> None:
    """Build the root conftest's places A and B and remember their ids."""
    for label, (village_code, phones) in PLACES.items():
        place = make_place(village_code, label, phones=phones)
        _place_ids[label] = (
            place.cooperative.pk,
            {name: user.pk for name, user in place.people.items()},
        )


def persona_place(label: str) -> Place:
    """Place `label` ("A" or "B") fetched fresh from the database by id: a test sees the rows
    as they are, never another test's objects. Rebuilt (both places) when missing, as after the
    flush that ends a transactional test."""
    ids = _place_ids.get(label)
    cooperative = Cooperative.objects.filter(pk=ids[0]).first() if ids else None
    if ids is None or cooperative is None:
        build_places()
        ids = _place_ids[label]
        cooperative = Cooperative.objects.get(pk=ids[0])
    users = User.objects.in_bulk(ids[1].values())
    return Place(cooperative=cooperative, people={name: users[pk] for name, pk in ids[1].items()})


def make_supervisor(
    *,
    agency: str,
    organisation: str,
    region_prefix: str = "",
    cooperatives: list[Cooperative] | None = None,
    read_only: bool = True,
) -> User:
    person = make_person(full_name=f"Pengawas {organisation}")
    account_services.supervision_grant(
        actor=None,
        user=person,
        agency=agency,
        organisation=organisation,
        region_prefix=region_prefix,
        cooperatives=cooperatives,
        read_only=read_only,
    )
    return person


@dataclass
class Loans:
    """A place's loans for pages to show: a product, an application waiting for its decision, an
    active (disbursed) loan with its schedule and entry."""

    product: Any
    applied: Any
    active: Any


def make_loans(place: Place, member: Any, *, on: date = date(2026, 3, 2)) -> Loans:
    """A loan product and two loans of `member` (an active member of the place), made through the
    loans services on `on` as the officers would: the sekretaris applies, the ketua approves (the
    pengawas co-signs the larger one), the kasir disburses the active one in cash."""
    from kopdes.core import clock
    from kopdes.loans import services as loans

    cooperative = place.cooperative
    with clock.as_of(datetime.combine(on, time(12), tzinfo=ZoneInfo("Asia/Jakarta"))):
        product = loans.loan_product_create(
            actor=place.ketua,
            cooperative=cooperative,
            name="Pinjaman Usaha Warung",
            method="flat",
            annual_rate=Decimal("12"),
            tenor_min=3,
            tenor_max=24,
            max_amount=50_000_000,
            admin_fee_percent=Decimal("1"),
            penalty_rate=Decimal("0.1"),
        )

        def apply(principal: int, months: int, purpose: str) -> Any:
            return loans.loan_apply(
                actor=place.sekretaris,
                cooperative=cooperative,
                member=member,
                product=product,
                principal=principal,
                months=months,
                purpose=purpose,
                on=on,
            )

        active = apply(12_000_000, 12, "Modal warung sembako")
        loans.loan_decide(actor=place.ketua, loan=active, decision="approve", reason="Usaha layak")
        loans.loan_decide(
            actor=place.pengawas, loan=active, decision="approve", reason="Di atas ambang"
        )
        loans.loan_disburse(actor=place.kasir, loan=active, channel="cash", on=on)
        applied = apply(3_000_000, 6, "Pupuk musim tanam")
    active.refresh_from_db()
    return Loans(product=product, applied=applied, active=active)


def assert_cross_tenant(client, user: User, url: str, method: str = "get", **kwargs) -> None:
    """`user` must get the same 404 as for a page that does not exist: no probing other tenants."""
    client.force_login(user)
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 404, f"{user} reached {url}: {response.status_code}"


__all__ = [
    "PASSWORD",
    "PERSONAS",
    "PLACES",
    "Commerce",
    "Funding",
    "Loans",
    "Place",
    "Role",
    "SupervisionGrant",
    "assert_cross_tenant",
    "build_places",
    "commerce_personas",
    "make_cooperative",
    "make_funding",
    "make_loans",
    "make_person",
    "make_place",
    "make_supervisor",
    "persona_place",
]


def sample_static_qris(name: str = "KOPDES MERAH PUTIH", city: str = "TANGERANG") -> str:
    """A valid static QRIS (docs/domain.md §6) as a provider would issue it, for tests and the
    probe (the payments tests check one written by hand with an independent CRC)."""
    from kopdes.payments import qris

    return qris.static_payload(merchant_name=name, merchant_city=city, nmid="ID1026123456789")


def make_qris(place: Place, member: Any) -> Any:
    """The office's static QRIS of `place` and a pending QRIS deposit of `member` into sukarela
    (what the QRIS pages, the simulator page and `/me/payments/{id}` show); returns the intent."""
    from kopdes.payments.services import qris_merchant_set
    from kopdes.savings.services import savings_qris_request

    qris_merchant_set(
        actor=place.ketua,
        cooperative=place.cooperative,
        unit=None,
        static_payload=sample_static_qris(),
    )
    return savings_qris_request(actor=None, member=member, kind="deposit", amount=25_000)


# -- the gerai (kopdes.commerce): each helper appends what its pages need ------------------------


@dataclass
class Commerce:
    """A place's gerai data for pages to show: the sembako unit, a category, products (the beras
    with a valid EAN-13 barcode), a supplier and the goods receipt that stocked the unit. Helpers
    that need more (sales, shifts, orders, QRIS) add fields with defaults and fill them in their
    own function, called at the end of `commerce_personas`."""

    unit: Any
    category: Any
    products: dict[str, Any]
    supplier: Any
    receipt: Any
    extra: dict[str, Any] = field(default_factory=dict)


# sku -> (name, selling unit, member price, non-member price, barcode, quantity, unit cost)
COMMERCE_CATALOGUE = {
    "BRS-5": ("Beras medium 5 kg", "sak", 70_000, 72_000, "8991234567891", 20, 65_000),
    "MG-2L": ("Minyak goreng 2 liter", "botol", 34_000, 36_000, None, 24, 31_500),
    "GL-1": ("Gula pasir 1 kg", "pcs", 17_000, 18_000, None, 30, 15_500),
    "TLR": ("Telur ayam", "kg", 28_000, 30_000, None, 15, 25_000),
}


def commerce_personas(place: Place, *, on: date = date(2026, 3, 2)) -> Commerce:
    """The sembako unit of `place` stocked through the commerce services on `on`, as the officers
    would: the manajer keeps the catalogue and receives the goods on credit (utang usaha)."""
    from kopdes.commerce import services as commerce
    from kopdes.cooperatives.models import BusinessUnit
    from kopdes.core import clock

    cooperative = place.cooperative
    unit = BusinessUnit.objects.get(cooperative=cooperative, code="sembako")
    with clock.as_of(datetime.combine(on, time(12), tzinfo=ZoneInfo("Asia/Jakarta"))):
        category = commerce.category_create(
            actor=place.manajer, cooperative=cooperative, name="Sembako"
        )
        products = {
            sku: commerce.product_create(
                actor=place.manajer,
                cooperative=cooperative,
                sku=sku,
                name=name,
                unit=selling_unit,
                member_price=member_price,
                non_member_price=price,
                barcode=barcode,
                category=category,
                min_stock=5,
            )
            for sku, (name, selling_unit, member_price, price, barcode, _q, _c) in (
                COMMERCE_CATALOGUE.items()
            )
        }
        supplier = commerce.supplier_create(
            actor=place.manajer,
            cooperative=cooperative,
            name="CV Sumber Pangan Balaraja",
            phone="081298765432",
            address="Jl. Raya Balaraja No. 12",
        )
        lines = [
            (products[sku], quantity, cost)
            for sku, (*_rest, quantity, cost) in COMMERCE_CATALOGUE.items()
        ]
        receipt = commerce.goods_receive(
            actor=place.manajer, unit=unit, supplier=supplier, lines=lines, payment="credit", on=on
        )
    commerce_data = Commerce(
        unit=unit, category=category, products=products, supplier=supplier, receipt=receipt
    )
    # Helpers: call your own function here, e.g. `_commerce_sales(place, commerce_data, on=on)`.
    _commerce_back_office(place, commerce_data, on=on)
    commerce_data.extra["pos"] = commerce_pos_pages(place, commerce_data)
    return commerce_data


def make_pickup_order(
    place: Place, commerce_data: Commerce, member: Any, *, on: date = date(2026, 3, 2)
) -> Any:
    """A pickup order of `member` (an active member of the place) at the stocked sembako unit
    of `commerce_personas`: 2 bottles of minyak goreng placed by the kasir for the member on `on`,
    still waiting (the orders page, the Beranda's tile, the probe's `order_id`)."""
    from kopdes.commerce import services as commerce
    from kopdes.core import clock

    with clock.as_of(datetime.combine(on, time(12), tzinfo=ZoneInfo("Asia/Jakarta"))):
        order = commerce.order_place(
            actor=place.kasir,
            member=member,
            unit=commerce_data.unit,
            lines=[(commerce_data.products["MG-2L"], 2)],
            pickup_by=on,
        )
    commerce_data.extra["order"] = order
    return order


def _commerce_back_office(place: Place, data: Commerce, *, on: date) -> None:
    """The back-office documents the gerai pages show (H-pages), made by the manajer on `on`:
    an open purchase order (sent, nothing received), a transfer of beras to the warehouse, a stock
    count of the warehouse being counted and a write-off waiting for its decision. In
    `data.extra`: purchase_order, transfer, count, write_off."""
    from kopdes.commerce import services as commerce
    from kopdes.cooperatives.models import BusinessUnit
    from kopdes.core import clock

    actor = place.manajer
    beras, telur = data.products["BRS-5"], data.products["TLR"]
    warehouse = BusinessUnit.objects.get(cooperative=place.cooperative, code="pergudangan")
    with clock.as_of(datetime.combine(on, time(12), tzinfo=ZoneInfo("Asia/Jakarta"))):
        order = commerce.purchase_order_create(
            actor=actor, unit=data.unit, supplier=data.supplier, lines=[(telur, 30, 25_000)]
        )
        commerce.purchase_order_submit(actor=actor, order=order)
        transfer = commerce.stock_transfer(
            actor=actor, from_unit=data.unit, to_unit=warehouse, lines=[(beras, 5)]
        )
        count = commerce.stock_count_start(actor=actor, unit=warehouse)
        write_off = commerce.stock_write_off_request(
            actor=actor, unit=data.unit, product=telur, quantity=1, reason="damaged", note="Pecah"
        )
    data.extra.update(
        {"purchase_order": order, "transfer": transfer, "count": count, "write_off": write_off}
    )


@dataclass
class PosPages:
    """What the kasir pages show in a place (ids for the security matrices and the browser's
    sweep): the outlet's code, a shift open for each person who handles cash, a sale at the
    counter, a device whose synced sales left a gap in its receipt numbers, and one offline sale
    the server rejected (more than on hand)."""

    unit_code: str
    shift: Any
    sale: Any
    device: Any
    rejection: Any


def commerce_pos_pages(place: Place, data: Commerce) -> PosPages:
    """The kasir pages' data of `place` at its stocked sembako, through the commerce services,
    on today's business date (a sale is dated the day it is made)."""
    import uuid

    from kopdes.commerce import services as commerce
    from kopdes.commerce.models import SyncRejection
    from kopdes.core import clock

    unit = data.unit
    product = data.products["GL-1"]
    shifts = [
        commerce.shift_open(actor=place.people[name], unit=unit, opening_float=100_000)
        for name in ("bendahara", "kasir")
    ]
    sale = commerce.sale_record(actor=place.kasir, unit=unit, lines=[(product, 1)], payment="cash")
    device = commerce.device_register(
        actor=place.kasir, unit=unit, public_id=uuid.uuid4(), label="HP kasir"
    )

    def offline(sequence: int, quantity: int) -> dict[str, Any]:
        return {
            "client_id": str(uuid.uuid4()),
            "sequence": sequence,
            "sold_at": clock.now().isoformat(),
            "payment": "cash",
            "lines": [
                {
                    "product": str(product.public_id),
                    "quantity": quantity,
                    "unit_price": product.non_member_price,
                }
            ],
            "total": quantity * product.non_member_price,
        }

    commerce.sales_sync(actor=place.kasir, device=device, sales=[offline(1, 1), offline(3, 500)])
    return PosPages(
        unit_code=unit.code,
        shift=shifts[0],
        sale=sale,
        device=device,
        rejection=SyncRejection.objects.get(device=device),
    )


# The first bytes of a PNG: all the evidence check reads (members.rules.image_type).
SAMPLE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@dataclass
class Funding:
    source: Any
    use: Any
    document: Any


def make_funding(place: Place, *, on: date = date(2026, 3, 2)) -> Funding:
    """A restricted CSR grant of `place` (sembako and LPG), received into the bank, one use of it
    with its evidence and one document, through the funding services as the bendahara would."""
    from kopdes.funding import services as funding

    source = funding.funding_source_create(
        actor=place.bendahara,
        cooperative=place.cooperative,
        kind="csr",
        name="Hibah CSR PT Contoh Properti",
        partner="PT Contoh Properti",
        agreement_number="CSR/KDMP/001/2026",
        agreement_date=on,
        amount=100_000_000,
        permitted_lines=["sembako", "lpg"],
    )
    funding.fund_receive(actor=place.bendahara, source=source, amount=100_000_000, on=on)
    use = funding.fund_spend(
        actor=place.bendahara,
        source=source,
        line="sembako",
        kind="asset",
        amount=4_500_000,
        on=on,
        description="Rak, timbangan dan freezer gerai sembako",
        payee="Toko Elektronik Balaraja",
        evidence=SAMPLE_PNG,
        channel="bank",
    )
    document = funding.funding_document_add(
        actor=place.bendahara, source=source, title="Perjanjian hibah CSR", file=SAMPLE_PNG
    )
    return Funding(source=source, use=use, document=document)


# A small PDF with its header and trailer: what `document_add` accepts as a PDF.
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Announcements:
    announcement: Any
    document: Any


def make_announcements(place: Place) -> Announcements:
    """A published AD/ART document and an announcement of it, by the sekretaris (the ids of the
    announcements pages and of the member API's documents)."""
    from kopdes.announcements import services as announcement_services

    document = announcement_services.document_add(
        actor=place.sekretaris,
        cooperative=place.cooperative,
        kind="ad_art",
        title="Anggaran Dasar dan Anggaran Rumah Tangga",
        file=SAMPLE_PDF,
        fiscal_year=2025,
        published=True,
    )
    announcement = announcement_services.announcement_publish(
        actor=place.sekretaris,
        cooperative=place.cooperative,
        title="AD/ART koperasi",
        body="AD/ART koperasi dapat dibaca di aplikasi anggota.",
        kind="document",
        document=document,
    )
    return Announcements(announcement=announcement, document=document)


def make_shu_year(place: Place, member: Any, *, year: int = 2025) -> Any:
    """The SHU of `year` simulated through the services (kopdes.shu) by the ketua, on the books
    of `close_shu_books`."""
    from kopdes.shu import services as shu

    close_shu_books(place, member, year=year)
    return shu.shu_simulate(actor=place.ketua, cooperative=place.cooperative, year=year)


def close_shu_books(place: Place, member: Any, *, year: int = 2025) -> None:
    """A year with an SHU to divide: `member` a member since August with simpanan wajib, the
    year's member income (jasa pinjaman 4-102, into the bank) booked in December, the year closed
    (`ledger.year_end_close`)."""
    from kopdes.ledger import services as ledger
    from kopdes.savings import services as savings

    cooperative = place.cooperative
    member.joined_on = date(year, 8, 1)
    member.save(update_fields=["joined_on"])
    savings.savings_deposit(
        actor=None,
        cooperative=cooperative,
        member=member,
        kind="wajib",
        amount=100_000,
        on=date(year, 8, 1),
    )
    ledger.journal_entry_post(
        cooperative=cooperative,
        date=date(year, 12, 1),
        memo="Jasa pinjaman anggota",
        lines=[
            ledger.Line(account="1-102", debit=1_000_000),
            ledger.Line(account="4-102", credit=1_000_000),
        ],
        source_kind="testing",
    )
    ledger.year_end_close(actor=None, cooperative=cooperative, year=year)


@dataclass
class RatMeeting:
    """A RAT in session (`make_rat`): its agenda, an uploaded document, the member present and
    an open resolution they voted on."""

    meeting: Any
    document: Any
    resolution: Any
    shu_item: Any


def make_rat(
    place: Place, member: Any, *, fiscal_year: int = 2025, vote: bool = True, minutes: bool = False
) -> RatMeeting:
    """The RAT of `fiscal_year` for `place`: scheduled on 1 March 2026 for 20 March, announced,
    opened on its day with `member` present, a resolution open (and `member`'s open vote)."""
    from kopdes.core import clock
    from kopdes.rat import services as rat

    day = datetime(2026, 3, 20, 10, tzinfo=ZoneInfo("Asia/Jakarta"))
    with clock.as_of(datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Asia/Jakarta"))):
        meeting = rat.meeting_schedule(
            actor=place.ketua,
            cooperative=place.cooperative,
            fiscal_year=fiscal_year,
            scheduled_at=day,
            place="Balai Desa",
            online=True,
            join_info="Aplikasi anggota",
        )
        document = rat.document_upload(
            actor=place.sekretaris,
            meeting=meeting,
            kind="pengurus_report",
            title="Laporan Pengurus",
            file=b"%PDF-1.4\n% Laporan pengurus\n%%EOF\n",
        )
        rat.agenda_set(
            actor=place.ketua,
            meeting=meeting,
            items=[
                {
                    "title": "Laporan pertanggungjawaban pengurus",
                    "kind": "pengurus_report",
                    "document": document,
                },
                {"title": "Pembagian SHU", "kind": "shu"},
            ],
        )
        rat.meeting_announce(actor=place.ketua, meeting=meeting)
    with clock.as_of(day):
        rat.meeting_open(actor=place.ketua, meeting=meeting)
        rat.attendance_record(actor=place.sekretaris, meeting=meeting, member=member)
        shu_item = meeting.agenda.get(kind="shu")
        resolution = rat.resolution_open(
            actor=place.ketua,
            meeting=meeting,
            question="Menerima laporan pertanggungjawaban pengurus",
            ballot="open",
        )
        if vote:
            rat.vote_cast(
                actor=place.sekretaris, member=member, resolution=resolution, choice="yes"
            )
        if minutes:  # the berita acara of the meeting so far (a PDF)
            rat.minutes_generate(actor=place.sekretaris, meeting=meeting)
    meeting.refresh_from_db()
    return RatMeeting(meeting=meeting, document=document, resolution=resolution, shu_item=shu_item)


def make_warning(place: Place, *, on: date = date(2026, 6, 1)) -> Any:
    """The place's early warnings as the system's scan finds them on `on` (its months from
    March still open, its books without a checkpoint), and one of them: the pages' warning."""
    from kopdes.supervision.models import EarlyWarning
    from kopdes.supervision.services import warnings_scan

    warnings_scan(actor=None, cooperatives=[place.cooperative], on=on)
    found = EarlyWarning.objects.filter(cooperative=place.cooperative).order_by("kind").first()
    if found is None:
        raise AssertionError("the scan found no warning in the place")
    return found
