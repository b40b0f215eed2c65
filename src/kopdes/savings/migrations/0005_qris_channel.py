"""Savings paid by QRIS from the member app (kopdes.payments): the channel "qris" and, for
cooperatives whose savings are set up, the deposit rules "<kind>:qris" that debit 1-109 "Dana
QRIS dalam penyelesaian" instead of cash. Each version of a kind's cash deposit rule is copied
with 1-109 as its debit (same version, date and credit: pokok and wajib keep their equity or
liability account). 1-109 is added where the chart lacks it (commerce 0002 adds it too and keeps
an account already there). A rule already there is kept as it is."""

import uuid

from django.db import migrations, models

QRIS_CLEARING = "1-109"


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PostingRule = apps.get_model("ledger", "PostingRule")
    cash_rules = list(
        PostingRule.objects.filter(event="savings.deposit", key__endswith=":cash").order_by(
            "cooperative_id", "key", "version"
        )
    )
    cooperatives = {rule.cooperative_id for rule in cash_rules}
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
        PostingRule.objects.filter(event="savings.deposit", key__endswith=":qris").values_list(
            "cooperative_id", "key", "version"
        )
    )
    new = []
    for rule in cash_rules:
        key = rule.key.removesuffix(":cash") + ":qris"
        if (rule.cooperative_id, key, rule.version) in existing:
            continue
        if rule.cooperative_id not in have and rule.cooperative_id not in parents:
            continue  # no chart to post to
        kind = key.split(":")[0]
        new.append(
            PostingRule(
                public_id=uuid.uuid4(),
                cooperative_id=rule.cooperative_id,
                event="savings.deposit",
                key=key,
                version=rule.version,
                effective_from=rule.effective_from,
                lines=[{**line, "debit": QRIS_CLEARING} for line in rule.lines],
                description=f"Setoran simpanan {kind} (QRIS)",
            )
        )
    PostingRule.objects.bulk_create(new)


def backward(apps, schema_editor):
    # Entries may already name the rules and the account: nothing to undo safely.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("savings", "0004_money_within_platform_limits"),
        ("ledger", "0011_balance_check_once_per_entry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="savingstransaction",
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
