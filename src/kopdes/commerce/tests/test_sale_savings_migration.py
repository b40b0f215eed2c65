"""savings 0006 gives a cooperative set up before it the member-credit rules (and 1-110)."""

import importlib

from django.apps import apps

from kopdes.ledger.models import Account, PostingRule

migration = importlib.import_module("kopdes.savings.migrations.0006_outlet_purchase")


def test_an_existing_cooperative_gets_the_member_credit_rules_once(place_a):
    coop = place_a.cooperative
    PostingRule.objects.filter(cooperative=coop, event__startswith="savings.purchase").delete()
    migration.forward(apps, None)
    migration.forward(apps, None)  # a second run adds nothing
    rules = PostingRule.objects.filter(cooperative=coop, event__startswith="savings.purchase")
    assert sorted((r.event, r.key, r.version, r.lines[0]["credit"]) for r in rules) == [
        ("savings.purchase", "sukarela", 1, "1-110"),
        ("savings.purchase_return", "sukarela", 1, "2-101"),
    ]
    assert Account.objects.filter(cooperative=coop, code="1-110").count() == 1
