"""The demo's funds (issue 13.7): each cooperative's CSR grant of Rp100 juta, recorded and received
through the funding services as the bendahara would, and a few of its uses with their evidence (a
small generated PNG standing for the receipt photo), each naming one of the grant's permitted
business lines (sembako, pertanian, peternakan, LPG).

Booked as a `ledger_seed.Agenda` (`funding_agenda`): each step on its day, in date order with the
cooperative's other years (on a timeline, each in its week), before the books' plan, which reads
the receipt and the uses back for its cash simulation (the plan no longer books the capital).

Deterministic: each cooperative draws from its own `random.Random` seeded by its village code."""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from kopdes.accounts.models import Role
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.demo.ledger_seed import Agenda
from kopdes.funding import services as funding
from kopdes.funding.models import FundingSource, FundUse

GRANT = 100_000_000
PERMITTED = ["sembako", "pertanian", "peternakan", "lpg"]
# Invented property developers (the programme's CSR partners are developers of the regency).
PARTNERS = [
    "PT Graha Nusantara Properti",
    "PT Cahaya Bumi Realty",
    "PT Lestari Griya Persada",
    "PT Mandala Karya Estate",
    "PT Puri Cisadane Permai",
    "PT Saka Wibawa Land",
]
# (line, spending kind, description, payee, share of the grant in percent, days after receipt)
USES = [
    ("sembako", "working_capital", "Modal kerja awal gerai sembako", "Kas gerai sembako", 25, 6),
    ("pertanian", "asset", "Traktor tangan untuk kelompok tani", "CV Tani Makmur", 15, 20),
    ("lpg", "asset", "Tabung LPG 3 kg (stok awal pangkalan)", "Agen LPG Balaraja", 12, 34),
    ("peternakan", "asset", "Kandang dan bibit ayam petelur", "UD Ternak Sejahtera", 8, 48),
]


@dataclass
class FundingSeedResult:
    source: FundingSource | None = None  # once the receipt is booked
    uses: list[FundUse] = field(default_factory=list)


def receipt_png(text: str) -> bytes:
    """A small valid PNG (16 x 16, greyscale) whose pixels come from `text`: a stand-in for the
    photo of a receipt, different for each use."""
    width = height = 16
    seed = zlib.crc32(text.encode())
    rows = b"".join(
        b"\x00" + bytes((seed >> ((x + y) % 24)) & 0xFF for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _bendahara(cooperative: Cooperative):
    role = (
        Role.objects.filter(cooperative=cooperative, kind="bendahara", ended_on__isnull=True)
        .select_related("user")
        .order_by("started_on", "pk")
        .first()
    )
    return role.user if role is not None else None


def funding_seed_cooperative(
    cooperative: Cooperative, *, on: date, uses: int = len(USES)
) -> FundingSeedResult:
    """Record the cooperative's CSR grant (received into the bank on `on`) and its first `uses`
    uses that fall due by today, through the funding services, by its bendahara (the system when
    it has none)."""
    agenda = Agenda()
    result = funding_agenda(cooperative, on=on, agenda=agenda, uses=uses)
    agenda.finish()
    return result


def funding_agenda(
    cooperative: Cooperative, *, on: date, agenda: Agenda, uses: int = len(USES)
) -> FundingSeedResult:
    """Add the grant's steps to `agenda`: the source recorded and the money received on `on`,
    then the first `uses` of USES each on its day (those after today are left out). The result
    fills as they book."""
    rng = random.Random(f"kopdes-funding-{cooperative.village_id}")
    actor = _bendahara(cooperative)
    partner = rng.choice(PARTNERS)
    serial = rng.randint(1, 250)
    agreed = on - timedelta(days=rng.randint(7, 30))
    result = FundingSeedResult()

    def receive() -> None:
        result.source = funding.funding_source_create(
            actor=actor,
            cooperative=cooperative,
            kind="csr",
            name=f"Hibah CSR {partner}",
            partner=partner,
            agreement_number=f"{serial:03d}/CSR-KDMP/{cooperative.village_id[-4:]}/{on.year}",
            agreement_date=agreed,
            amount=GRANT,
            permitted_lines=PERMITTED,
            note="Modal awal Koperasi Desa Merah Putih dari mitra CSR.",
        )
        funding.fund_receive(
            actor=actor,
            source=result.source,
            amount=GRANT,
            on=on,
            idempotency_key=f"demo-csr-{cooperative.village_id}",
        )

    def spend(line, kind, description, payee, amount, day, unit) -> None:
        source = result.source
        assert source is not None  # the receipt comes first
        result.uses.append(
            funding.fund_spend(
                actor=actor,
                source=source,
                line=line,
                unit=unit,
                kind=kind,
                amount=amount,
                on=day,
                description=description,
                payee=payee,
                evidence=receipt_png(f"{cooperative.village_id}:{description}"),
                channel="bank",
                idempotency_key=f"demo-fund-{cooperative.village_id}-{line}",
            )
        )

    agenda.add(on, receive)
    units = {u.kind: u for u in BusinessUnit.objects.filter(cooperative=cooperative)}
    today = clock.today()
    for line, kind, description, payee, share, days in USES[:uses]:
        day = on + timedelta(days=days + rng.randint(0, 3))
        if day > today:
            break
        unit = units.get(line) if kind == "working_capital" else None
        if kind == "working_capital" and unit is None:
            continue
        amount = GRANT * share // 100 - rng.randint(0, 20) * 100_000
        agenda.add(day, partial(spend, line, kind, description, payee, amount, day, unit))
    return result
