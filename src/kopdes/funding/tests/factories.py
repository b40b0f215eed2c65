"""Funding test data: a source, money received, a small receipt photo."""

from datetime import date

from kopdes.funding import services
from kopdes.funding.models import FundingSource

D = date(2026, 3, 2)
# The first bytes of a PNG are all the evidence check reads (members.rules.image_type).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%kopdes\n"


def make_source(place, *, kind="csr", amount=100_000_000, lines=("sembako", "lpg"), **extra):
    return services.funding_source_create(
        actor=place.bendahara,
        cooperative=place.cooperative,
        kind=kind,
        name=extra.pop("name", "Hibah CSR PT Contoh"),
        partner=extra.pop("partner", "PT Contoh Properti"),
        agreement_number=extra.pop("agreement_number", "CSR/001/2026"),
        agreement_date=extra.pop("agreement_date", D),
        amount=amount,
        permitted_lines=list(lines),
        **extra,
    )


def funded(place, amount=100_000_000, **extra) -> FundingSource:
    source = make_source(place, amount=amount, **extra)
    services.fund_receive(actor=place.bendahara, source=source, amount=amount, on=D)
    return source


def spend(place, source, amount=1_000_000, *, line="sembako", kind="expense", **extra):
    return services.fund_spend(
        actor=extra.pop("actor", place.bendahara),
        source=source,
        line=line,
        kind=kind,
        amount=amount,
        on=extra.pop("on", D),
        description=extra.pop("description", "Rak dan timbangan gerai"),
        payee=extra.pop("payee", "Toko Maju"),
        evidence=extra.pop("evidence", PNG),
        channel=extra.pop("channel", "bank"),
        **extra,
    )
