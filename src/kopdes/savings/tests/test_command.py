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


def test_a_failing_cooperative_is_reported_and_the_others_run(
    place_a, place_b, capsys, monkeypatch
):
    from kopdes.savings import selectors

    bad, good = place_a.cooperative, place_b.cooperative  # bad sorts first (village code)
    real = selectors.reconciliation

    def overflowing(*, cooperative):
        if cooperative.pk == bad.pk:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real(cooperative=cooperative)

    monkeypatch.setattr(selectors, "reconciliation", overflowing)
    with pytest.raises(CommandError) as failed:
        call_command("savings", "reconcile")
    captured = capsys.readouterr()
    assert f"{bad.village_id}: FAILED OverflowError" in captured.err
    assert f"{good.village_id} sukarela: sub-ledger Rp0" in captured.out
    assert "1 cooperative(s) failed: " + bad.village_id in str(failed.value)


def test_month_runs_go_on_after_a_failure(place_a, place_b, capsys):
    from kopdes.savings.models import SavingsProduct

    bad, good = place_a.cooperative, place_b.cooperative
    SavingsProduct.objects.filter(cooperative=bad).delete()  # savings not set up there
    with pytest.raises(CommandError):
        call_command("savings", "interest", "--month", "2026-03")
    captured = capsys.readouterr()
    assert f"{bad.village_id}: FAILED savings.not_set_up" in captured.err
    assert f"{good.village_id} 2026-03: Rp0 interest to 0 accounts" in captured.out
    call_command("savings", "bill", "--month", "2026-03")  # bills need no product: all pass
    call_command("savings", "setup")
    assert "set up" in capsys.readouterr().out
    call_command("savings", "interest", "--month", "2026-03")
