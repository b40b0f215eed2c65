"""Every counter service is one database transaction, whether the caller passes a key or not."""

import pytest

from kopdes.ledger.models import JournalLine
from kopdes.savings import services
from kopdes.savings.models import SavingsAccount
from kopdes.savings.tests.factories import make_member


def test_a_keyless_deposit_is_all_or_nothing(place_a, monkeypatch):
    """Without an idempotency key the deposit is still one transaction: a failure after the
    journal entry leaves neither the entry nor the new balance behind."""
    from kopdes.savings.services import counter

    coop = place_a.cooperative
    member = make_member(coop)
    entries = JournalLine.objects.filter(cooperative=coop).count()

    def fail(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(counter, "audit_record", fail)
    with pytest.raises(RuntimeError):
        services.savings_deposit(
            actor=None, cooperative=coop, member=member, kind="sukarela", amount=5_000
        )
    assert JournalLine.objects.filter(cooperative=coop).count() == entries
    assert not SavingsAccount.objects.filter(member=member, balance__gt=0).exists()
