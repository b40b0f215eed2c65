"""The probe as a test suite: what the matrices share (imported as `security.probe`).

The matrices iterate Django's URL resolver (every staff page) and the API's OpenAPI schema
(every operation); nothing lists pages by hand. A page or operation whose URL needs an id gets
one from `ID_MAKERS`, keyed by the URL kwarg's name: a kwarg the registry does not know fails
`test_every_url_kwarg_is_known` (and the matrices), so a new page cannot slip past them.

`world` builds the data once per test module, inside a savepoint of the session's transaction
(see the root conftest): in each of places A and B an active member with savings (a deposit, so
a journal entry and a savings transaction), a pending manual journal, a loan product and two
loans of the member (one applied, one active: `testing.make_loans`), the sembako gerai's catalogue,
a supplier and a goods receipt (`testing.commerce_personas`); plus the supervisors and a
superuser (all capabilities everywhere, for the sweeps that need every form to open).
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import URLPattern, URLResolver, get_resolver

from kopdes import testing
from kopdes.accounts import devices
from kopdes.accounts.access import capabilities
from kopdes.accounts.models import SupervisionGrant, User
from kopdes.ledger.models import Account

# --- the registry of ids ---------------------------------------------------------------------


@dataclass
class Side:
    """One cooperative's objects, one per kind of id a URL can carry."""

    place: testing.Place
    ids: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # text that must never reach an outsider


# URL kwarg -> how to get a valid value in a cooperative (`Side`). Add an entry with every page
# that takes a new kind of id.
ID_MAKERS: dict[str, Callable[[Side], Any]] = {
    "cooperative_id": lambda side: side.place.cooperative.public_id,
    "member_id": lambda side: side.ids["member"].public_id,
    "account_id": lambda side: side.ids["account"].public_id,
    "entry_id": lambda side: side.ids["entry"].public_id,
    "journal_id": lambda side: side.ids["manual_journal"].public_id,
    "transaction_id": lambda side: side.ids["transaction"].public_id,
    "correction_id": lambda side: side.ids["correction"].public_id,
    "loan_id": lambda side: side.ids["loan"].public_id,
    "product_id": lambda side: side.ids["loan_product"].public_id,
    "loan_transaction_id": lambda side: side.ids["loan_transaction"].public_id,
    "restructure_id": lambda side: side.ids["restructure"].public_id,
    "code": lambda side: side.ids["account"].code,  # an account code (same chart everywhere)
    "guarantor_id": lambda side: side.ids["guarantor"].public_id,
    "collateral_id": lambda side: side.ids["collateral"].public_id,
    "order_id": lambda side: side.ids["order"].public_id,
    # the kasir pages (testing.commerce_pos_pages)
    "unit_code": lambda side: side.ids["pos"].unit_code,  # the outlet's code (sembako everywhere)
    "sale_id": lambda side: side.ids["pos"].sale.public_id,
    "shift_id": lambda side: side.ids["pos"].shift.public_id,
    "rejection_id": lambda side: side.ids["pos"].rejection.public_id,
    # the gerai's back office (testing.commerce_personas)
    "item_id": lambda side: side.ids["commerce_product"].public_id,  # a commerce Product
    "supplier_id": lambda side: side.ids["supplier"].public_id,
    "purchase_order_id": lambda side: side.ids["purchase_order"].public_id,
    "goods_receipt_id": lambda side: side.ids["goods_receipt"].public_id,
    "transfer_id": lambda side: side.ids["stock_transfer"].public_id,
    "count_id": lambda side: side.ids["stock_count"].public_id,
    "write_off_id": lambda side: side.ids["write_off"].public_id,
    # the bank loan pages (dana/pinjaman-bank/)
    "bank_loan_id": lambda side: side.ids["bank_loan"].public_id,
    "installment_id": lambda side: side.ids["bank_loan_installment"].public_id,
    # the funds (testing.make_funding)
    "source_id": lambda side: side.ids["funding"].source.public_id,
    "use_id": lambda side: side.ids["funding"].use.public_id,
    "funding_document_id": lambda side: side.ids["funding"].document.public_id,
    # announcements and member documents (testing.make_announcements)
    "announcement_id": lambda side: side.ids["announcement"].public_id,
    "document_id": lambda side: side.ids["document"].public_id,
    # the SHU pages (testing.make_shu_year): a fiscal year, the same number in every cooperative
    "year": lambda side: side.ids["shu_year"].year,
    # the members' meetings (testing.make_rat)
    "meeting_id": lambda side: side.ids["rat"].meeting.public_id,
    "meeting_document_id": lambda side: side.ids["rat"].document.public_id,
    "resolution_id": lambda side: side.ids["rat"].resolution.public_id,
    # the early warnings (supervision.services.warnings_scan over the side's cooperative)
    "warning_id": lambda side: side.ids["warning"].public_id,
    # coaching (supervision.tests.factories.make_coaching)
    "visit_id": lambda side: side.ids["coaching"].visit.public_id,
    "finding_id": lambda side: side.ids["coaching"].finding.public_id,
    "training_id": lambda side: side.ids["coaching"].participation.public_id,
    "session_id": lambda side: side.ids["coaching"].session.public_id,  # invites the side only
}
# Kwargs whose value means the same in every cooperative (not an object of one cooperative):
# swapping them between cooperatives proves nothing.
TENANT_NEUTRAL = {"cooperative_id", "code", "unit_code", "year"}


# Pages that are public by design (open to anyone, signed in or not), with how to make their
# kwargs. A page outside /app/<cooperative_id>/ with kwargs must be listed here; a public page
# without kwargs is listed with `_no_kwargs`, so the list names every public page.
def _no_kwargs(side: Side) -> dict[str, Any]:
    return {}


PUBLIC_PAGES: dict[str, Callable[[Side], dict[str, Any]]] = {
    "landing": _no_kwargs,  # `/`, the visitors' front door
    "loans_simulate_public": _no_kwargs,  # `/simulasi-pinjaman/`: terms in, a schedule out
    "card_check": lambda side: {"card_id": side.ids["member"].card_id},
    "region_detail": lambda side: {"code": side.place.cooperative.village_id},
    "transparency_cooperative": lambda side: {"code": side.place.cooperative.village_id},
    "transparency_verify": lambda side: {"code": side.place.cooperative.village_id},
    # The public log (plain bytes and JSON, no HTML): web/tests/test_transparency_log.py.
    "log_checkpoint": lambda side: {"code": side.place.cooperative.village_id},
    "log_tile": lambda side: {"code": side.place.cooperative.village_id, "tile": "0/000.p/1"},
    "log_consistency": lambda side: {"code": side.place.cooperative.village_id},
    "log_inclusion": lambda side: {"code": side.place.cooperative.village_id},
    "log_checkpoints": lambda side: {"code": side.place.cooperative.village_id},
    "log_balances": lambda side: {"code": side.place.cooperative.village_id, "size": 1},
}

# OpenAPI path parameter -> a valid value in a cooperative. Public operations (no security)
# are not tenant-addressed and need no entry.
API_PARAMS: dict[str, Callable[[Side], Any]] = {
    "cooperative_id": lambda side: side.place.cooperative.public_id,
    "entry_id": lambda side: side.ids["entry"].public_id,
    "member_id": lambda side: side.ids["member"].public_id,  # a membership (the member app's)
    "loan_id": lambda side: side.ids["loan"].public_id,
    "order_id": lambda side: side.ids["order"].public_id,
    "intent_id": lambda side: side.ids["intent"].public_id,
    "device_id": lambda side: side.ids["device"].public_id,  # a phone with a PIN (its person's)
    "document_id": lambda side: side.ids["document"].public_id,
    "year": lambda side: side.ids["shu_year"].year,
    "meeting_id": lambda side: side.ids["rat"].meeting.public_id,
    "resolution_id": lambda side: side.ids["rat"].resolution.public_id,
    "warning_id": lambda side: side.ids["warning"].public_id,
    "finding_id": lambda side: side.ids["coaching"].finding.public_id,
    "visit_id": lambda side: side.ids["coaching"].visit.public_id,
    "training_id": lambda side: side.ids["coaching"].participation.public_id,
    "session_id": lambda side: side.ids["coaching"].session.public_id,  # invites the side only
}

# A money field, by name: amounts, debit/credit, simpanan amounts, prices.
MONEY_FIELD = re.compile(
    r"amount|debit|credit|nominal|jumlah|price|harga|saldo|balance|threshold|principal|_value"
)

# --- the URL patterns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # "web:<name>"
    route: str
    view: Callable
    kwargs: tuple[str, ...]

    @property
    def tenant(self) -> bool:
        return "cooperative_id" in self.kwargs

    @property
    def capability(self):
        return getattr(self.view, "capability", None)

    @property
    def write_capability(self):
        return getattr(self.view, "write_capability", None)

    def __str__(self) -> str:
        return self.name


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield namespace, prefix + str(pattern.pattern), pattern


# The namespaces of pages: the staff pages (`web`) and the member app's shell (`pwa`: /m/, its
# manifest and service worker, public and without ids).
PAGE_NAMESPACES = ("web", "pwa")


def staff_pages() -> list[Page]:
    """Every page of the `web` and `pwa` namespaces, in the resolver's order."""
    pages = []
    for namespace, route, pattern in _walk(get_resolver().url_patterns):
        if namespace not in PAGE_NAMESPACES:
            continue
        pages.append(
            Page(
                name=f"{namespace}:{pattern.name}",
                route=route,
                view=pattern.callback,
                kwargs=tuple(pattern.pattern.converters),
            )
        )
    return pages


def tenant_pages() -> list[Page]:
    return [page for page in staff_pages() if page.tenant]


def url_for(page: Page, own: Side, other: Side | None = None) -> str:
    """The page's URL with the cooperative of `own` and every object id of `other` (of `own`
    when no `other`): `url_for(page, b)` is all-foreign, `url_for(page, a, b)` is mixed."""
    from django.urls import reverse

    other = other or own
    if not page.tenant:
        kwargs = PUBLIC_PAGES[page.name.removeprefix("web:")](own) if page.kwargs else {}
    else:
        kwargs = {}
        for name in page.kwargs:
            if name not in ID_MAKERS:
                pytest.fail(f"{page.name}: no way to make a {name!r}; add it to ID_MAKERS")
            kwargs[name] = ID_MAKERS[name](own if name in TENANT_NEUTRAL else other)
    return reverse(page.name, kwargs=kwargs)


def has_foreign_object(page: Page) -> bool:
    return any(name not in TENANT_NEUTRAL for name in page.kwargs)


EXAMINER = "Penilai probe"


def outside_grants(place: testing.Place) -> QuerySet[SupervisionGrant]:
    """The grants `make_side` gave outside parties of `place`: its kecamatan's examiner and
    the CSR partner funding it."""
    return (
        SupervisionGrant.objects.filter(organisation__startswith=EXAMINER, revoked_at__isnull=True)
        .filter(
            Q(region_prefix=place.cooperative.village.district_id)
            | Q(agency=SupervisionGrant.Agency.CSR, cooperatives=place.cooperative)
        )
        .select_related("user")
    )


def actor_for(page: Page, place: testing.Place, *, write: bool) -> User | None:
    """A persona of `place` who may use the page in their own cooperative (so a refusal
    elsewhere is the tenant's doing, not the role's); for what no role gives (the health
    assessment, ASSESS_HEALTH; the CSR report, VIEW_CSR_REPORT), the outside party `make_side`
    made: the examiner of the place's kecamatan, the CSR partner funding it."""
    need = {page.capability, page.write_capability if write else page.capability}
    for name, *_rest in testing.PERSONAS:
        person = place.people[name]
        if need <= capabilities(person, place.cooperative):
            return person
    for grant in outside_grants(place):
        if need <= capabilities(grant.user, place.cooperative):
            return grant.user
    return None


# --- the database fingerprint -----------------------------------------------------------------

# Tables a refused request may touch without changing anything of substance: sessions and login
# bookkeeping (a login writes them), the throttle's attempt counters (every attempt counts, a
# refused one too), API token use, and reference data.
_UNWATCHED = (
    "django_session",
    "accounts_throttlecounter",
    "accounts_apitoken",
    "regions_",
    "django_migrations",
)


def db_fingerprint() -> dict[str, Counter[tuple]]:
    """Every watched table's rows, as a multiset per table: equal before and after means nothing
    changed. Compared as they are, row by row (no hash that could collide).

    On SQLite the rows are read again only when something may have changed since the last read
    in the same test: unless `total_changes()` (every row inserted, updated or deleted on the
    connection, by triggers too, rolled back or not), the count of Django's rollbacks (a
    rollback changes rows without a write) and the connection's open atomic blocks and
    savepoints are the same as then. A refused request writes nothing,
    so most fingerprints of the matrices cost one query instead of one per table."""
    with connection.cursor() as cursor:
        state = None
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
            state = (
                cursor.fetchone()[0],
                _rollbacks[0],
                len(connection.atomic_blocks),
                tuple(connection.savepoint_ids),
                id(connection.connection),
            )
            if state == _last[0]:
                return _last[1]
        out: dict[str, Counter[tuple]] = {}
        for table in _watched_tables(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out[table] = Counter(map(_hashable, cursor.fetchall()))
    _last[:] = [state, out]
    return out


# (the connection's state, the rows read in it); forgotten before each test (conftest), so a
# state is only ever compared within one test's transaction.
_last: list[Any] = [None, None]


def forget_fingerprint() -> None:
    _last[:] = [None, None]


_rollbacks = [0]  # rollbacks (to a savepoint or whole) through Django since the run started


def count_rollbacks() -> None:
    """Count every rollback Django makes (a rollback changes rows without a write); installed
    once by the security conftest."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    for name in ("rollback", "savepoint_rollback"):
        method = getattr(BaseDatabaseWrapper, name)
        if getattr(method, "_counted", False):
            continue

        def counted(self, *args, _method=method, **kwargs):
            _rollbacks[0] += 1
            return _method(self, *args, **kwargs)

        counted._counted = True  # type: ignore[attr-defined]
        setattr(BaseDatabaseWrapper, name, counted)


def _watched_tables(cursor) -> list[str]:
    return [
        table
        for table in sorted(connection.introspection.table_names(cursor))
        if not table.startswith(_UNWATCHED)
    ]


def _hashable(row: tuple) -> tuple:
    """A row as a hashable tuple (PostgreSQL returns JSON columns as dicts and lists)."""
    try:
        hash(row)
    except TypeError:
        return tuple(_value(value) for value in row)
    return row


def _value(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    a: Side
    b: Side
    supervisors: dict[str, User]
    superuser: User


def make_side(place: testing.Place) -> Side:
    from kopdes.ledger.services import manual_journal_draft
    from kopdes.loans import services as loan_services
    from kopdes.members.rules import nik_make
    from kopdes.savings import services as savings
    from kopdes.savings.tests.factories import make_member
    from kopdes.supervision.tests.factories import make_coaching

    cooperative = place.cooperative
    label = place.ketua.full_name.split()[-1]
    member = make_member(cooperative, name=f"Siti Rahasia {label}{uuid.uuid4().hex[:6]}")
    # A NIK of the cooperative's own kecamatan, as a real member's would be.
    member.nik = nik_make(
        district_digits=cooperative.village_id[:8].replace(".", ""),
        sex=member.sex,
        birth_date=member.birth_date,
        serial=7,
    )
    member.save(update_fields=["nik"])
    txn = savings.savings_deposit(
        actor=None,
        cooperative=cooperative,
        member=member,
        kind="sukarela",
        amount=250_000,
        on=date(2026, 3, 2),
    )
    mistaken = savings.savings_deposit(
        actor=None,
        cooperative=cooperative,
        member=member,
        kind="sukarela",
        amount=5_000,
        on=date(2026, 3, 2),
    )
    correction = savings.savings_correction_request(
        actor=place.kasir, transaction=mistaken, reason="Probe"
    )
    account = (
        Account.objects.filter(cooperative=cooperative, code="1-101-01", is_header=False).first()
        or Account.objects.filter(cooperative=cooperative, is_header=False).first()
    )
    journal = manual_journal_draft(
        actor=place.bendahara,
        cooperative=cooperative,
        date=date(2026, 3, 3),
        memo="Probe",
        lines=[
            {"account": "1-102", "debit": 1000},
            {"account": "1-101-01", "credit": 1000},
        ],
    )
    loans = testing.make_loans(place, member)
    commerce = testing.commerce_personas(place)
    order = testing.make_pickup_order(place, commerce, member)
    # A repayment of the active loan (its receipt) and a pending restructure request.
    repayment = loan_services.loan_repay(
        actor=place.kasir, loan=loans.active, amount=212_000, on=date(2026, 4, 2)
    )
    restructure = loan_services.loan_restructure_request(
        actor=place.bendahara, loan=loans.active, months=12, reason="Probe"
    )
    secured = _secured_application(place, loans.product, label)
    intent = testing.make_qris(place, member)
    device, _key = devices.pin_set(user=place.anggota, pin="285714", device=f"Probe {label}")
    bank_loan = _bank_loan(place)
    funding = testing.make_funding(place)
    news = testing.make_announcements(place)
    shu_year = testing.make_shu_year(place, member)
    rat = testing.make_rat(place, member, minutes=True)
    warning = testing.make_warning(place)
    coached = make_coaching(cooperative, label=label)
    # The examiner of the cooperative's kecamatan (a Dinas grant that is not read-only): the only
    # one who may assess its health (ASSESS_HEALTH), and who sees no other side.
    testing.make_supervisor(
        agency="dinas",
        organisation=f"{EXAMINER} {label}",
        region_prefix=cooperative.village.district_id,
        read_only=False,
    )
    # The CSR partner funding this cooperative: the only one who reads its CSR report
    # (VIEW_CSR_REPORT), and who sees no other side.
    testing.make_supervisor(
        agency="csr", organisation=f"{EXAMINER} CSR {label}", cooperatives=[cooperative]
    )
    return Side(
        place=place,
        ids={
            "loan": loans.active,
            "loan_applied": loans.applied,
            "loan_product": loans.product,
            "loan_secured": secured,
            "guarantor": secured.guarantors.get(),
            "collateral": secured.collaterals.get(),
            "member": member,
            "account": account,
            "entry": txn.entry,
            "transaction": txn,
            "manual_journal": journal,
            "correction": correction,
            "loan_transaction": repayment,
            "restructure": restructure,
            "intent": intent,
            "device": device,
            "commerce_unit": commerce.unit,
            "commerce_category": commerce.category,
            "commerce_product": commerce.products["BRS-5"],
            "supplier": commerce.supplier,
            "goods_receipt": commerce.receipt,
            "order": order,
            "pos": commerce.extra["pos"],
            "purchase_order": commerce.extra["purchase_order"],
            "stock_transfer": commerce.extra["transfer"],
            "stock_count": commerce.extra["count"],
            "write_off": commerce.extra["write_off"],
            "bank_loan": bank_loan,
            "bank_loan_installment": bank_loan.installments.get(number=1),
            "funding": funding,
            "announcement": news.announcement,
            "document": news.document,
            "shu_year": shu_year,
            "rat": rat,
            "warning": warning,
            "coaching": coached,
        },
        secrets=[
            member.full_name,
            member.nik,
            secured.member.full_name,
            *(g.name for g in secured.guarantors.all()),
            *(p.full_name for p in place.people.values()),
        ],
    )


def _bank_loan(place: testing.Place):
    """A state-bank loan drawn into the bank (its schedule made): the bank loan pages' ids."""
    from kopdes.funding.services import bank_loan_create, bank_loan_disburse

    loan = bank_loan_create(
        actor=None,
        cooperative=place.cooperative,
        bank="Bank Rakyat Indonesia",
        contract_number=f"PMK49/{place.cooperative.village_id}",
        ceiling=500_000_000,
        operating_part=100_000_000,
        months=36,
        grace_months=6,
        first_due_on=date(2026, 5, 12),
        agreement_date=date(2026, 3, 20),
    )
    bank_loan_disburse(
        actor=None, loan=loan, amount=500_000_000, purpose="investment", on=date(2026, 4, 1)
    )
    return loan


def _secured_application(place: testing.Place, product, label: str):
    """An application with a guarantor named by NIK and a collateral, by a member of its own
    (the ids of the loans pages' documents)."""
    from kopdes.loans.tests.factories import make_applied_loan
    from kopdes.savings.tests.factories import make_member

    borrower = make_member(place.cooperative, name=f"Budi Pinjam {label}{uuid.uuid4().hex[:6]}")
    return make_applied_loan(
        place,
        member=borrower,
        product=product,
        principal=2_000_000,
        months=10,
        guarantors=[
            {
                "name": f"Penjamin Rahasia {label}",
                "nik": "3603014107900007",
                "relationship": "Kakak",
            }
        ],
        collaterals=[{"kind": "bpkb", "description": "BPKB motor", "estimated_value": 8_000_000}],
    )


def refreshed(user: User) -> User:
    return User.objects.get(pk=user.pk)
