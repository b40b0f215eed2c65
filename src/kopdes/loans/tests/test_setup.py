"""What loans post to: the account 4-302 and the loans' posting rules, in new charts (the
template) and in existing ones (the data migration)."""

import importlib

from django.apps import apps

from kopdes.ledger.models import Account, PostingRule
from kopdes.ledger.services import chart_create

_migration = importlib.import_module("kopdes.loans.migrations.0002_loan_accounts_and_posting_rules")
_qris_migration = importlib.import_module("kopdes.loans.migrations.0005_qris_repayment")

LOAN_RULES = {
    ("loan.disbursed", "cash"),
    ("loan.disbursed", "bank"),
    ("loan.repaid", "cash"),
    ("loan.repaid", "bank"),
    ("loan.repaid", "qris"),
    ("loan.provision", "increase"),
    ("loan.provision", "decrease"),
}


def loan_rules(cooperative):
    return {
        (r.event, r.key): r.lines
        for r in PostingRule.objects.filter(cooperative=cooperative, event__startswith="loan.")
    }


def test_a_new_chart_has_the_denda_account_and_the_loan_rules(coop_a):
    account = Account.objects.select_related("parent").get(cooperative=coop_a, code="4-302")
    assert (account.name, account.kind, account.participation, account.parent.code) == (
        "Pendapatan denda pinjaman",
        "income",
        "member",
        "4",
    )
    rules = loan_rules(coop_a)
    assert set(rules) == LOAN_RULES
    assert rules[("loan.disbursed", "bank")] == [
        {"amount": "principal", "debit": "1-103", "credit": "1-102"},
        {"amount": "fees", "debit": "1-102", "credit": "4-301"},
    ]
    assert rules[("loan.repaid", "cash")] == [
        {"amount": "principal", "debit": "1-101-01", "credit": "1-103"},
        {"amount": "interest", "debit": "1-101-01", "credit": "4-102"},
        {"amount": "penalty", "debit": "1-101-01", "credit": "4-302"},
    ]
    assert rules[("loan.repaid", "qris")] == [
        {"amount": "principal", "debit": "1-109", "credit": "1-103"},
        {"amount": "interest", "debit": "1-109", "credit": "4-102"},
        {"amount": "penalty", "debit": "1-109", "credit": "4-302"},
    ]
    assert rules[("loan.provision", "increase")] == [
        {"amount": "amount", "debit": "5-401", "credit": "1-104"}
    ]


def test_the_data_migration_gives_existing_charts_the_same_and_runs_twice(coop_a, coop_b):
    template = loan_rules(coop_a)
    PostingRule.objects.filter(cooperative__in=[coop_a, coop_b], event__startswith="loan.").delete()
    Account.objects.filter(cooperative=coop_a, code="4-302").delete()
    _migration.forward(apps, None)
    _migration.forward(apps, None)
    _qris_migration.forward(apps, None)
    _qris_migration.forward(apps, None)
    assert loan_rules(coop_a) == template
    assert loan_rules(coop_b) == template
    account = Account.objects.get(cooperative=coop_a, code="4-302")
    assert account.parent.code == "4" and account.participation == "member"
    assert Account.objects.filter(cooperative=coop_b, code="4-302").count() == 1
    # chart_create afterwards adds nothing twice
    assert chart_create(cooperative=coop_a) == 0


def test_the_qris_migration_adds_the_clearing_account_where_missing(coop_a):
    template = loan_rules(coop_a)
    PostingRule.objects.filter(cooperative=coop_a, event="loan.repaid", key="qris").delete()
    Account.objects.filter(cooperative=coop_a, code="1-109").delete()
    _qris_migration.forward(apps, None)
    _qris_migration.forward(apps, None)
    assert loan_rules(coop_a) == template
    account = Account.objects.get(cooperative=coop_a, code="1-109")
    assert (account.kind, account.parent.code) == ("asset", "1")


def test_the_loan_rules_amounts_and_keys_read_as_words():
    from django.utils import translation

    from kopdes.ledger.labels import amount_label, posting_key_label, source_label

    with translation.override("id"):
        assert [amount_label(n) for n in ("principal", "interest", "penalty", "fees")] == [
            "pokok",
            "jasa",
            "denda",
            "biaya administrasi dan provisi",
        ]
        assert posting_key_label("increase") == "penambahan"
        assert source_label("loan.disbursed") == "Pencairan pinjaman"
