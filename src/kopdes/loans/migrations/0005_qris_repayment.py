"""Loan installments paid by QRIS from the member app (kopdes.loans.services.qris): the channel
"qris" and, for cooperatives whose chart has the loans' rules, the posting rule "loan.repaid" key
"qris" that debits 1-109 "Dana QRIS dalam penyelesaian" instead of cash (version 1 from 2000-01-01
like the rest of the template; ledger.rules.loan_posting_rules). 1-109 is added where the chart
lacks it (savings 0005 and commerce 0002 add it too and keep an account already there). A rule
already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations, models

QRIS_CLEARING = "1-109"
# ledger.rules when this migration was written (a migration keeps its own copy).
LINES = [
    {"amount": "principal", "debit": QRIS_CLEARING, "credit": "1-103"},
    {"amount": "interest", "debit": QRIS_CLEARING, "credit": "4-102"},
    {"amount": "penalty", "debit": QRIS_CLEARING, "credit": "4-302"},
]


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    cooperatives = set(
        PostingRule.objects.filter(event="loan.repaid", key="cash").values_list(
            "cooperative_id", flat=True
        )
    )
    have = set(
        Account.objects.filter(cooperative_id__in=cooperatives, code=QRIS_CLEARING).values_list(
            "cooperative_id", flat=True
        )
    )
    parents = dict(
        Account.objects.filter(cooperative_id__in=cooperatives - have, code="1").values_list(
            "cooperative_id", "pk"
        )
    )
    Account.objects.bulk_create(
        [
            Account(
                public_id=uuid.uuid4(),
                cooperative_id=cooperative_id,
                code=QRIS_CLEARING,
                name="Dana QRIS dalam penyelesaian",
                kind="asset",
                parent_id=parent,
            )
            for cooperative_id, parent in sorted(parents.items())
        ]
    )
    existing = set(
        PostingRule.objects.filter(event="loan.repaid", key="qris").values_list(
            "cooperative_id", flat=True
        )
    )
    PostingRule.objects.bulk_create(
        [
            PostingRule(
                public_id=uuid.uuid4(),
                cooperative_id=cooperative_id,
                event="loan.repaid",
                key="qris",
                version=1,
                effective_from=date(2000, 1, 1),
                lines=LINES,
                description="Angsuran pinjaman anggota dibayar lewat QRIS",
            )
            for cooperative_id in sorted(cooperatives)
            if cooperative_id not in existing and (cooperative_id in have or cooperative_id in parents)
        ]
    )


def backward(apps, schema_editor):
    # Entries may already name the rule and the account: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_balance_check_once_per_entry"),
        ("loans", "0004_loan_restructure_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="loantransaction",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[("", "None"), ("cash", "Cash"), ("bank", "Bank transfer"), ("qris", "QRIS")],
                default="",
                max_length=4,
                verbose_name="channel",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
