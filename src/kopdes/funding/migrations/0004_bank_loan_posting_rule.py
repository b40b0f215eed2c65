"""Existing charts get the posting rule of the bank loan's installment (kopdes.funding;
docs/adr/0026-bank-loan-schedule.md): "bank_loan.installment_paid", Dr 2-201 the principal, Dr
5-501 the interest, Cr 1-102, version 1 from 2000-01-01 like the rest of the template
(ledger.rules.bank_loan_posting_rules; a new cooperative gets it from ledger.services.chart_create).
A cooperative without a chart is left alone; a rule already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations

# ledger.rules when this migration was written (a migration keeps its own copy).
RULES = [
    (
        "bank_loan.installment_paid",
        "",
        [
            {"amount": "principal", "debit": "2-201", "credit": "1-102"},
            {"amount": "interest", "debit": "5-501", "credit": "1-102"},
        ],
        "Angsuran pinjaman bank Himbara (pokok dan bunga) dari rekening bank",
    )
]


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    charts = set(Account.objects.filter(code="1").values_list("cooperative_id", flat=True))
    have = set(
        PostingRule.objects.filter(event__in=[r[0] for r in RULES]).values_list(
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
    # A rule entries may already name stays: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_balance_check_once_per_entry"),
        ("funding", "0003_bankloanwarning"),
    ]

    operations = [migrations.RunPython(forward, backward)]
