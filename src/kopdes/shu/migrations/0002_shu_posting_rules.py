"""Existing charts get the SHU's posting rules (ledger.rules.shu_posting_rules): "shu.allocated"
(3-106 to the reserve, the funds and 2-108) and "shu.paid" (cash: 2-108 to 1-101-01; sukarela:
2-108 to 2-101), version 1 from 2000-01-01 like the rest of the template (a new cooperative gets
them from ledger.services.chart_create). The accounts are in the template already. A cooperative
without a chart is left alone; a rule already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations

# ledger.rules when this migration was written (a migration keeps its own copy).
LINE_ACCOUNTS = {
    "cadangan": "3-104",
    "anggota": "2-108",
    "pengurus": "2-103",
    "karyawan": "2-104",
    "pendidikan": "2-105",
    "sosial": "2-106",
    "pembangunan_daerah_kerja": "2-107",
    "pemerintah_desa": "2-109",
}
RULES = [
    (
        "shu.allocated",
        "",
        [
            {"amount": key, "debit": "3-106", "credit": account}
            for key, account in LINE_ACCOUNTS.items()
        ],
        "Pembagian SHU sesuai keputusan RAT",
    ),
    (
        "shu.paid",
        "cash",
        [{"amount": "amount", "debit": "2-108", "credit": "1-101-01"}],
        "SHU anggota dibayar tunai dari kas kantor",
    ),
    (
        "shu.paid",
        "sukarela",
        [{"amount": "amount", "debit": "2-108", "credit": "2-101"}],
        "SHU anggota dimasukkan ke simpanan sukarela",
    ),
]


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    charts = set(Account.objects.filter(code="1").values_list("cooperative_id", flat=True))
    have = set(
        PostingRule.objects.filter(event__in=("shu.allocated", "shu.paid")).values_list(
            "cooperative_id", "event", "key"
        )
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
            for event, key, lines, description in RULES
            if (cooperative_id, event, key) not in have
        ]
    )


def backward(apps, schema_editor):
    # Rules that entries may already name stay: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_balance_check_once_per_entry"),
        ("shu", "0001_shu_years_allocation_shares"),
    ]

    operations = [migrations.RunPython(forward, backward)]
