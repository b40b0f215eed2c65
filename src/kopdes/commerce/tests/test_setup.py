"""The accounts and posting rules the gerai post to: in a new chart, and added to existing charts
by commerce migration 0002; the capabilities of each role."""

import importlib

import pytest
from django.apps import apps as django_apps

from kopdes.accounts.access import Capability, capabilities
from kopdes.ledger.models import Account, PostingRule
from kopdes.ledger.rules import STOCK_UNITS, commerce_posting_rules

COMMERCE_EVENTS = (
    "stock.received",
    "stock.transferred",
    "stock.adjusted",
    "sale.completed",
    "sale.returned",
    "shift.difference",
    "qris.settled",
)
NEW_ACCOUNTS = ("1-109", "1-110", "5-206")


def _rules(cooperative):
    return {
        (r.event, r.key): r.lines
        for r in PostingRule.objects.filter(cooperative=cooperative, event__in=COMMERCE_EVENTS)
    }


def test_every_commerce_rule_names_postable_accounts_of_the_chart(place_a):
    coop = place_a.cooperative
    rules = _rules(coop)
    assert ("stock.received", "sembako:credit") in rules
    assert ("stock.transferred", "pergudangan:sembako") in rules
    assert ("sale.completed", "apotek:qris:member") in rules
    assert ("sale.returned", "sembako:member_credit:non_member") in rules
    assert ("shift.difference", "klinik:short") in rules
    assert ("qris.settled", "") in rules
    postable = set(
        Account.objects.filter(cooperative=coop, is_header=False).values_list("code", flat=True)
    )
    for lines in rules.values():
        for line in lines:
            assert {line["debit"], line["credit"]} <= postable, line
    # The warehouse holds stock: it has a persediaan account of its own.
    gudang = Account.objects.get(
        cooperative=coop, business_unit__code="pergudangan", code__startswith="1-107-"
    )
    assert gudang.code == "1-107-06"


def test_a_return_reverses_its_sale():
    rules = {
        (e, k): lines for e, k, lines, _d in commerce_posting_rules([("sembako", "sembako", 2)])
    }
    sale = rules[("sale.completed", "sembako:cash:member")]
    back = rules[("sale.returned", "sembako:cash:member")]
    assert sale == [
        {"amount": "revenue", "debit": "1-101-02", "credit": "4-101-02"},
        {"amount": "cost", "debit": "5-101-02", "credit": "1-107-02"},
    ]
    assert back == [{**line, "debit": line["credit"], "credit": line["debit"]} for line in sale]
    assert "pergudangan" in STOCK_UNITS


def test_migration_0002_adds_what_an_existing_chart_lacks(place_a):
    coop = place_a.cooperative
    before_rules = _rules(coop)
    before_accounts = dict(
        Account.objects.filter(cooperative=coop, code__in=[*NEW_ACCOUNTS, "1-107-06"]).values_list(
            "code", "parent__code"
        )
    )
    # A chart made before the gerai: without the new accounts and rules.
    PostingRule.objects.filter(cooperative=coop, event__in=COMMERCE_EVENTS).delete()
    Account.objects.filter(cooperative=coop, code__in=[*NEW_ACCOUNTS, "1-107-06"]).delete()
    migration = importlib.import_module(
        "kopdes.commerce.migrations.0002_commerce_accounts_and_posting_rules"
    )
    migration.forward(django_apps, None)
    migration.forward(django_apps, None)  # twice: what is there is kept, nothing doubles
    assert _rules(coop) == before_rules
    after = dict(
        Account.objects.filter(cooperative=coop, code__in=[*NEW_ACCOUNTS, "1-107-06"]).values_list(
            "code", "parent__code"
        )
    )
    assert (
        after
        == before_accounts
        == {
            "1-109": "1",
            "1-110": "1",
            "5-206": "5",
            "1-107-06": "1-107",
        }
    )
    assert (
        Account.objects.get(cooperative=coop, code="1-107-06").business_unit.code == "pergudangan"
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("ketua", {"VIEW_COMMERCE", "MANAGE_CATALOGUE", "MANAGE_STOCK", "APPROVE_STOCK"}),
        ("bendahara", {"VIEW_COMMERCE", "MANAGE_CATALOGUE", "MANAGE_STOCK", "APPROVE_STOCK"}),
        ("manajer", {"VIEW_COMMERCE", "MANAGE_CATALOGUE", "MANAGE_STOCK", "APPROVE_STOCK"}),
        ("kasir", {"VIEW_COMMERCE"}),
        ("sekretaris", {"VIEW_COMMERCE"}),
        ("pengawas", {"VIEW_COMMERCE"}),
        ("anggota", set()),
    ],
)
def test_commerce_capabilities_by_role(place_a, role, expected):
    held = capabilities(getattr(place_a, role), place_a.cooperative)
    commerce = {
        c.name
        for c in (
            Capability.VIEW_COMMERCE,
            Capability.MANAGE_CATALOGUE,
            Capability.MANAGE_STOCK,
            Capability.APPROVE_STOCK,
        )
        if c in held
    }
    assert commerce == expected


def test_supervisors_only_read_the_gerai(place_a, dinas):
    held = capabilities(dinas, place_a.cooperative)
    assert Capability.VIEW_COMMERCE in held
    assert not held & {
        Capability.MANAGE_CATALOGUE,
        Capability.MANAGE_STOCK,
        Capability.APPROVE_STOCK,
    }
