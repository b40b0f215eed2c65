"""What a cooperative's chart gets for the funds: the accounts and the posting rules of
"fund.received" and "fund.spent", the same from chart_create as from the data migration for the
charts that existed before; the capabilities by role."""

import importlib

import pytest

from kopdes.accounts.access import Capability, capabilities
from kopdes.cooperatives.models import BusinessUnit
from kopdes.ledger import rules as ledger_rules
from kopdes.ledger.models import Account, PostingRule

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "kopdes.funding.migrations.0002_funding_accounts_and_posting_rules"
)


def _units(cooperative):
    return [
        (u.code, u.kind, n)
        for n, u in enumerate(
            BusinessUnit.objects.filter(cooperative=cooperative).order_by("pk"), 1
        )
    ]


def test_a_new_chart_has_the_funding_accounts_and_rules(place_a):
    coop = place_a.cooperative
    accounts = dict(
        Account.objects.filter(cooperative=coop, code__in=["2-202", "3-107", "4-902"]).values_list(
            "code", "kind"
        )
    )
    assert accounts == {"2-202": "liability", "3-107": "equity", "4-902": "income"}
    keys = set(
        PostingRule.objects.filter(cooperative=coop, event__startswith="fund.").values_list(
            "event", "key"
        )
    )
    expected = {(e, k) for e, k, _l, _d in ledger_rules.funding_posting_rules(_units(coop))}
    assert keys == expected
    assert ("fund.received", "csr:income:cash") in keys
    assert ("fund.spent", "working_capital:sembako:bank") in keys
    assert not any(k.startswith("working_capital:kantor") for _e, k in keys)


def test_the_migration_writes_the_rules_chart_create_writes(place_a):
    units = _units(place_a.cooperative)
    assert migration._rules(units) == ledger_rules.funding_posting_rules(units)
    specs = {s.code: s for s in ledger_rules.FIXED_ACCOUNTS}
    for code, name, kind, parent, cash_flow, participation in migration.ACCOUNTS:
        spec = specs[code]
        assert (spec.name, spec.kind, spec.parent, spec.cash_flow, spec.participation) == (
            name,
            kind,
            parent,
            cash_flow,
            participation,
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ketua", {"VIEW_FUNDING", "MANAGE_FUNDING"}),
        ("bendahara", {"VIEW_FUNDING", "MANAGE_FUNDING"}),
        ("sekretaris", {"VIEW_FUNDING"}),
        ("pengawas", {"VIEW_FUNDING", "REVIEW_FUNDING"}),
        ("kepala_desa", {"VIEW_FUNDING", "REVIEW_FUNDING"}),
        ("kasir", set()),
        ("anggota", set()),
    ],
)
def test_funding_capabilities_by_role(place_a, persona, expected):
    held = capabilities(place_a.people[persona], place_a.cooperative)
    funding = {c.name for c in held if c.name.endswith("_FUNDING")}
    assert funding == expected
    assert Capability.MANAGE_FUNDING not in held or persona in ("ketua", "bendahara")


def test_the_migration_gives_an_older_chart_what_it_lacks(place_a):
    from django.apps import apps

    coop = place_a.cooperative
    PostingRule.objects.filter(cooperative=coop, event__startswith="fund.").delete()
    Account.objects.filter(cooperative=coop, code__in=["2-202", "3-107", "4-902"]).delete()
    migration.forward(apps, None)
    migration.forward(apps, None)  # twice: what is there is kept
    assert (
        Account.objects.filter(cooperative=coop, code__in=["2-202", "3-107", "4-902"]).count() == 3
    )
    keys = list(
        PostingRule.objects.filter(cooperative=coop, event__startswith="fund.").values_list(
            "event", "key"
        )
    )
    assert sorted(keys) == sorted(
        (e, k) for e, k, _l, _d in ledger_rules.funding_posting_rules(_units(coop))
    )
