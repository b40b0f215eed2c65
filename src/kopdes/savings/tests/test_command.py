from datetime import date

import pytest
from django.core.management import CommandError, call_command

from kopdes.savings import services
from kopdes.savings.models import Bill
from kopdes.savings.tests.factories import make_member


def test_bill_interest_reconcile(place_a, capsys):
    coop = place_a.cooperative
    member = make_member(coop)
    services.savings_deposit(
        actor=None,
        cooperative=coop,
        member=member,
        kind="sukarela",
        amount=1_000_000,
        on=date(2026, 2, 1),
    )
    call_command("savings", "bill", "--month", "2026-03", "--cooperative", coop.village_id)
    call_command("savings", "bill", "--month", "2026-03")
    assert Bill.objects.filter(member=member, kind="wajib").count() == 1
    call_command("savings", "interest", "--month", "2026-03", "--cooperative", coop.village_id)
    call_command("savings", "interest", "--month", "2026-03", "--cooperative", coop.village_id)
    call_command("savings", "reconcile", "--cooperative", coop.village_id)
    out = capsys.readouterr().out
    assert "2 bills created" in out and "(already run)" in out and "difference Rp0" in out
    with pytest.raises(CommandError):
        call_command("savings", "bill", "--month", "2026-13", "--cooperative", coop.village_id)
