"""Existing charts get what the gerai post to (kopdes.commerce): the accounts 1-109 "Dana QRIS
dalam penyelesaian" and 1-110 "Kliring belanja dengan simpanan" (assets, under 1), 5-206 "Beban
selisih dan kerusakan persediaan" (expense, under 5), a persediaan account 1-107-xx for each
warehouse (pergudangan) unit that already has its per-gerai accounts (goods units had theirs), and
the posting rules of the commerce events (stock.received, stock.transferred, stock.adjusted,
sale.completed, sale.returned, shift.difference, qris.settled), version 1 from 2000-01-01 like the
rest of the template (ledger.rules.commerce_posting_rules; a new cooperative gets them from
ledger.services.chart_create). Units are numbered as chart_create numbers them (by id, from 1). A
cooperative without a chart is left alone; an account or rule already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations

# ledger.rules when this migration was written (a migration keeps its own copy).
GOODS_UNITS = frozenset({"sembako", "apotek", "lpg", "pupuk", "pertanian", "peternakan", "ppob"})
NO_SALES_UNITS = frozenset({"kantor", "simpan_pinjam"})
STOCK_UNITS = GOODS_UNITS | {"pergudangan"}
ACCOUNTS = [
    # code, name, kind, parent
    ("1-109", "Dana QRIS dalam penyelesaian", "asset", "1"),
    ("1-110", "Kliring belanja dengan simpanan", "asset", "1"),
    ("5-206", "Beban selisih dan kerusakan persediaan", "expense", "5"),
]


def _rules(
    units: list[tuple[str, str, int]],
) -> list[tuple[str, str, list[dict], str]]:
    out: list[tuple[str, str, list[dict], str]] = []
    stock = [(code, f"{number:02d}") for code, kind, number in units if kind in STOCK_UNITS]
    for code, sx in stock:
        for payment, credit, words in (
            ("cash", f"1-101-{sx}", "tunai dari kas gerai"),
            ("bank", "1-102", "melalui bank"),
            ("credit", "2-102", "secara kredit (utang usaha)"),
        ):
            out.append(
                (
                    "stock.received",
                    f"{code}:{payment}",
                    [{"amount": "amount", "debit": f"1-107-{sx}", "credit": credit}],
                    f"Penerimaan barang {words}",
                )
            )
        out.append(
            (
                "stock.adjusted",
                f"{code}:gain",
                [{"amount": "amount", "debit": f"1-107-{sx}", "credit": "4-901"}],
                "Selisih lebih persediaan",
            )
        )
        out.append(
            (
                "stock.adjusted",
                f"{code}:loss",
                [{"amount": "amount", "debit": "5-206", "credit": f"1-107-{sx}"}],
                "Selisih kurang atau kerusakan persediaan",
            )
        )
    for source, from_sx in stock:
        for target, to_sx in stock:
            if source != target:
                out.append(
                    (
                        "stock.transferred",
                        f"{source}:{target}",
                        [
                            {
                                "amount": "amount",
                                "debit": f"1-107-{to_sx}",
                                "credit": f"1-107-{from_sx}",
                            }
                        ],
                        "Pemindahan persediaan antar unit",
                    )
                )
    for code, kind, number in units:
        if kind not in GOODS_UNITS:
            continue
        sx = f"{number:02d}"
        for payment, account, paid in (
            ("cash", f"1-101-{sx}", "tunai"),
            ("qris", "1-109", "QRIS"),
            ("member_credit", "1-110", "simpanan sukarela"),
        ):
            for who, income, whom in (
                ("member", "4-101", "anggota"),
                ("non_member", "4-201", "bukan anggota"),
            ):
                sale = [
                    {"amount": "revenue", "debit": account, "credit": f"{income}-{sx}"},
                    {"amount": "cost", "debit": f"5-101-{sx}", "credit": f"1-107-{sx}"},
                ]
                out.append(
                    (
                        "sale.completed",
                        f"{code}:{payment}:{who}",
                        sale,
                        f"Penjualan gerai kepada {whom}, dibayar {paid}",
                    )
                )
                out.append(
                    (
                        "sale.returned",
                        f"{code}:{payment}:{who}",
                        [
                            {**line, "debit": line["credit"], "credit": line["debit"]}
                            for line in sale
                        ],
                        f"Retur penjualan gerai dari {whom}, dikembalikan {paid}",
                    )
                )
    for code, kind, number in units:
        if kind in NO_SALES_UNITS:
            continue
        sx = f"{number:02d}"
        out.append(
            (
                "shift.difference",
                f"{code}:over",
                [{"amount": "amount", "debit": f"1-101-{sx}", "credit": "4-901"}],
                "Selisih lebih kas shift kasir",
            )
        )
        out.append(
            (
                "shift.difference",
                f"{code}:short",
                [{"amount": "amount", "debit": "5-901", "credit": f"1-101-{sx}"}],
                "Selisih kurang kas shift kasir",
            )
        )
    out.append(
        (
            "qris.settled",
            "",
            [{"amount": "amount", "debit": "1-102", "credit": "1-109"}],
            "Dana QRIS diselesaikan ke rekening bank",
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
        for code, name, kind, parent in ACCOUNTS:
            if (cooperative_id, code) not in codes and (cooperative_id, parent) in codes:
                new.append(
                    Account(
                        public_id=uuid.uuid4(),
                        cooperative_id=cooperative_id,
                        code=code,
                        name=name,
                        kind=kind,
                        parent_id=codes[(cooperative_id, parent)],
                    )
                )
    units = {}
    for unit in BusinessUnit.objects.filter(cooperative_id__in=charts).order_by("pk"):
        units.setdefault(unit.cooperative_id, []).append(unit)
    for cooperative_id, its_units in units.items():
        for number, unit in enumerate(its_units, start=1):
            suffix = f"{number:02d}"
            code = f"1-107-{suffix}"
            if (
                unit.kind == "pergudangan"
                and (cooperative_id, f"1-101-{suffix}") in codes
                and (cooperative_id, code) not in codes
                and (cooperative_id, "1-107") in codes
            ):
                new.append(
                    Account(
                        public_id=uuid.uuid4(),
                        cooperative_id=cooperative_id,
                        code=code,
                        name=f"Persediaan {unit.name}",
                        kind="asset",
                        parent_id=codes[(cooperative_id, "1-107")],
                        business_unit_id=unit.pk,
                    )
                )
    Account.objects.bulk_create(new)
    events = (
        "stock.received",
        "stock.transferred",
        "stock.adjusted",
        "sale.completed",
        "sale.returned",
        "shift.difference",
        "qris.settled",
    )
    have = set(
        PostingRule.objects.filter(event__in=events).values_list("cooperative_id", "event", "key")
    )
    PostingRule.objects.bulk_create(
        [
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
            for cooperative_id in sorted(charts)
            for event, key, lines, description in _rules(
                [(u.code, u.kind, n) for n, u in enumerate(units.get(cooperative_id, []), start=1)]
            )
            if (cooperative_id, event, key) not in have
        ]
    )


def backward(apps, schema_editor):
    # Rules and accounts that entries may already name stay: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_balance_check_once_per_entry"),
        ("loans", "0004_loan_restructure_requests"),
        ("commerce", "0001_commerce_catalogue_purchases_stock_pos_orders"),
    ]

    operations = [migrations.RunPython(forward, backward)]
