"""Existing charts get what the funding sources post to (kopdes.funding): the accounts 2-202
"Utang lain-lain" (liability, financing), 3-107 "Modal penyertaan Dana Desa" (equity, financing)
and 4-902 "Pendapatan hibah" (income, non-member participation), and the posting rules of
"fund.received" and "fund.spent", version 1 from 2000-01-01 like the rest of the template
(ledger.rules.funding_posting_rules; a new cooperative gets them from ledger.services.chart_create).
Units are numbered as chart_create numbers them (by id, from 1); a unit's working-capital rule is
added only when its cash box 1-101-xx exists. A cooperative without a chart is left alone; an
account or rule already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations

# ledger.rules when this migration was written (a migration keeps its own copy).
ACCOUNTS = [
    # code, name, kind, parent, cash_flow, participation
    ("2-202", "Utang lain-lain", "liability", "2", "financing", ""),
    ("3-107", "Modal penyertaan Dana Desa", "equity", "3", "financing", ""),
    ("4-902", "Pendapatan hibah", "income", "4", "operating", "non_member"),
]


def _rules(units: list[tuple[str, str, int]]) -> list[tuple[str, str, list[dict], str]]:
    out: list[tuple[str, str, list[dict], str]] = []
    credits = [
        ("csr:equity", "3-103", "Dana hibah CSR diterima (ekuitas)"),
        ("csr:income", "4-902", "Dana hibah CSR diterima (pendapatan)"),
        ("apbd_hibah:equity", "3-103", "Dana hibah APBD diterima (ekuitas)"),
        ("apbd_hibah:income", "4-902", "Dana hibah APBD diterima (pendapatan)"),
        ("dana_desa", "3-107", "Modal penyertaan Dana Desa diterima"),
        ("bank_loan", "2-201", "Pencairan pinjaman bank Himbara"),
        ("other_loan", "2-202", "Pinjaman lain diterima"),
    ]
    for key, credit, words in credits:
        for suffix, debit, where in (
            ("", "1-102", "di rekening bank"),
            (":cash", "1-101-01", "tunai di kas kantor"),
        ):
            out.append(
                (
                    "fund.received",
                    key + suffix,
                    [{"amount": "amount", "debit": debit, "credit": credit}],
                    f"{words} {where}",
                )
            )
    payers = (("bank", "1-102", "dari rekening bank"), ("cash", "1-101-01", "dari kas kantor"))
    for kind, debit, words in (
        ("asset", "1-301", "Pembelian aset tetap dari dana"),
        ("expense", "5-209", "Beban usaha dibayar dari dana"),
    ):
        for channel, credit, paid in payers:
            out.append(
                (
                    "fund.spent",
                    f"{kind}:{channel}",
                    [{"amount": "amount", "debit": debit, "credit": credit}],
                    f"{words} {paid}",
                )
            )
    for code, kind, number in units:
        if kind == "kantor" or number == 1:
            continue
        for channel, credit, paid in payers:
            out.append(
                (
                    "fund.spent",
                    f"working_capital:{code}:{channel}",
                    [{"amount": "amount", "debit": f"1-101-{number:02d}", "credit": credit}],
                    f"Modal kerja dari dana diserahkan ke kas gerai {paid}",
                )
            )
    return out


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    BusinessUnit = apps.get_model("cooperatives", "BusinessUnit")
    charts = set(Account.objects.filter(code="1").values_list("cooperative_id", flat=True))
    codes = {}
    for cooperative_id, code, pk in Account.objects.filter(cooperative_id__in=charts).values_list(
        "cooperative_id", "code", "pk"
    ):
        codes[(cooperative_id, code)] = pk
    new = []
    for cooperative_id in sorted(charts):
        for code, name, kind, parent, cash_flow, participation in ACCOUNTS:
            if (cooperative_id, code) not in codes and (cooperative_id, parent) in codes:
                new.append(
                    Account(
                        public_id=uuid.uuid4(),
                        cooperative_id=cooperative_id,
                        code=code,
                        name=name,
                        kind=kind,
                        parent_id=codes[(cooperative_id, parent)],
                        cash_flow=cash_flow,
                        participation=participation,
                    )
                )
    Account.objects.bulk_create(new)
    units = {}
    for unit in BusinessUnit.objects.filter(cooperative_id__in=charts).order_by("pk"):
        units.setdefault(unit.cooperative_id, []).append(unit)
    have = set(
        PostingRule.objects.filter(event__in=("fund.received", "fund.spent")).values_list(
            "cooperative_id", "event", "key"
        )
    )
    rows = []
    for cooperative_id in sorted(charts):
        numbered = [
            (u.code, u.kind, n) for n, u in enumerate(units.get(cooperative_id, []), start=1)
        ]
        with_box = [
            (code, kind, n)
            for code, kind, n in numbered
            if (cooperative_id, f"1-101-{n:02d}") in codes
        ]
        for event, key, lines, description in _rules(with_box):
            if (cooperative_id, event, key) in have:
                continue
            rows.append(
                PostingRule(
                    public_id=uuid.uuid4(),
                    cooperative_id=cooperative_id,
                    event=event,
                    key=key,
                    version=1,
                    effective_from=date(2000, 1, 1),
                    lines=lines,
                    description=description,
                )
            )
    PostingRule.objects.bulk_create(rows)


def backward(apps, schema_editor):
    # Rules and accounts that entries may already name stay: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_balance_check_once_per_entry"),
        ("commerce", "0002_commerce_accounts_and_posting_rules"),
        ("funding", "0001_funding_sources_receipts_uses_bank_loans"),
    ]

    operations = [migrations.RunPython(forward, backward)]
