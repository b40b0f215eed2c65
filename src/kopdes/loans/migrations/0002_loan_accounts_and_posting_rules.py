"""Existing charts get what loans post to: the account 4-302 "Pendapatan denda pinjaman" (income,
partisipasi anggota) under the header 4, and the posting rules of the loans' events
(`loan.disbursed` and `loan.repaid` by cash or bank, `loan.provision` increase/decrease), version 1
from 2000-01-01 like the rest of the template (ledger.rules.loan_posting_rules; a new cooperative
gets them from ledger.services.chart_create). A cooperative without a chart is left alone; an
account or rule already there is kept as it is."""

import uuid
from datetime import date

from django.db import migrations

# ledger.rules when this migration was written (a migration keeps its own copy).
ACCOUNT = {
    "code": "4-302",
    "name": "Pendapatan denda pinjaman",
    "kind": "income",
    "participation": "member",
}


def _rules():
    out = []
    for channel, cash, words in (("cash", "1-101-01", "kas kantor"), ("bank", "1-102", "bank")):
        out.append(
            (
                "loan.disbursed",
                channel,
                [
                    {"amount": "principal", "debit": "1-103", "credit": cash},
                    {"amount": "fees", "debit": cash, "credit": "4-301"},
                ],
                f"Pencairan pinjaman anggota dari {words}",
            )
        )
        out.append(
            (
                "loan.repaid",
                channel,
                [
                    {"amount": "principal", "debit": cash, "credit": "1-103"},
                    {"amount": "interest", "debit": cash, "credit": "4-102"},
                    {"amount": "penalty", "debit": cash, "credit": "4-302"},
                ],
                f"Angsuran pinjaman anggota diterima di {words}",
            )
        )
    out.append(
        (
            "loan.provision",
            "increase",
            [{"amount": "amount", "debit": "5-401", "credit": "1-104"}],
            "Penambahan cadangan kerugian piutang pinjaman",
        )
    )
    out.append(
        (
            "loan.provision",
            "decrease",
            [{"amount": "amount", "debit": "1-104", "credit": "5-401"}],
            "Pengurangan cadangan kerugian piutang pinjaman",
        )
    )
    return out


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    headers = dict(
        Account.objects.filter(code="4").values_list("cooperative_id", "pk")
    )
    have_account = set(
        Account.objects.filter(code=ACCOUNT["code"]).values_list("cooperative_id", flat=True)
    )
    Account.objects.bulk_create(
        [
            Account(
                public_id=uuid.uuid4(),
                cooperative_id=cooperative_id,
                code=ACCOUNT["code"],
                name=ACCOUNT["name"],
                kind=ACCOUNT["kind"],
                parent_id=parent_id,
                participation=ACCOUNT["participation"],
            )
            for cooperative_id, parent_id in headers.items()
            if cooperative_id not in have_account
        ]
    )
    have_rule = set(
        PostingRule.objects.filter(event__startswith="loan.").values_list(
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
            for cooperative_id in headers
            for event, key, lines, description in _rules()
            if (cooperative_id, event, key) not in have_rule
        ]
    )


def backward(apps, schema_editor):
    # Rules and an account that entries may already name stay: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_tree_tiles"),
        ("loans", "0001_loans_products_applications_schedule"),
    ]

    operations = [migrations.RunPython(forward, backward)]
