"""Member credit: a purchase paid from the member's simpanan sukarela, within the policy's limit
and above the minimum balance; the savings entry and the sale's entry both touch 1-110, which
nets to zero in the same transaction."""

import pytest

from kopdes.commerce import services
from kopdes.commerce.models import Sale
from kopdes.commerce.tests.sale_factories import (
    D,
    at,
    balance,
    code,
    level,
    lines_of,
    member_with_savings,
    stocked,
)
from kopdes.cooperatives.models import Policy
from kopdes.ledger.models import JournalEntry
from kopdes.savings.errors import InsufficientBalance, MemberCreditAboveLimit, MemberCreditOff
from kopdes.savings.models import SavingsAccount, SavingsTransaction


def buy(place, unit, member, lines):
    with at(D):
        return services.sale_record(
            actor=place.kasir, unit=unit, lines=lines, payment="member_credit", member=member
        )


def sukarela(member) -> int:
    return SavingsAccount.objects.get(member=member, kind="sukarela").balance


def test_a_member_credit_purchase_charges_sukarela_and_clears_1_110(place_a):
    unit, beras, telur = stocked(place_a)
    member = member_with_savings(place_a, 500_000)
    sale = buy(place_a, unit, member, [(beras, 2), (telur, 1)])
    assert (sale.payment, sale.total) == ("member_credit", 167_000)
    assert sukarela(member) == 500_000 - 167_000
    txn = SavingsTransaction.objects.get(account__member=member, kind="purchase")
    assert (txn.amount, txn.balance_after, txn.memo) == (167_000, 333_000, f"sale:{sale.public_id}")
    account = SavingsAccount.objects.get(member=member, kind="sukarela")
    assert [
        (ln.account.code, ln.debit, ln.credit, ln.subledger_id)
        for ln in txn.entry.lines.select_related("account").order_by("line_no")
    ] == [("2-101", 167_000, 0, str(account.public_id)), ("1-110", 0, 167_000, "")]
    assert lines_of(sale.entry)[:2] == [("1-110", 167_000, 0), (code(unit, "4-101"), 0, 167_000)]
    assert balance(place_a.cooperative, "1-110") == 0


def test_the_policy_limit_and_the_minimum_balance(place_a):
    unit, beras, _telur = stocked(place_a)
    member = member_with_savings(place_a, 100_000)
    entries = JournalEntry.objects.count()
    with pytest.raises(InsufficientBalance):
        buy(place_a, unit, member, [(beras, 2)])  # 140.000 > 100.000
    policy = Policy.objects.filter(cooperative=place_a.cooperative).order_by("-version").first()
    Policy.objects.filter(pk=policy.pk).update(member_credit_limit=50_000)
    with pytest.raises(MemberCreditAboveLimit) as refused:
        buy(place_a, unit, member, [(beras, 1)])
    assert refused.value.code == "savings.member_credit_above_limit"
    Policy.objects.filter(pk=policy.pk).update(member_credit_limit=0)
    with pytest.raises(MemberCreditOff):
        buy(place_a, unit, member, [(beras, 1)])
    # Nothing half-saved: no sale, no entry, the stock and the savings as they were.
    assert not Sale.objects.exists()
    assert JournalEntry.objects.count() == entries
    assert level(unit, beras).quantity == 10
    assert sukarela(member) == 100_000
    assert balance(place_a.cooperative, "1-110") == 0


def test_the_default_policy_turns_member_credit_on():
    from kopdes.cooperatives.rules import DEFAULT_POLICY, policy_errors

    assert DEFAULT_POLICY["member_credit_limit"] == 500_000
    assert "member_credit_limit" in policy_errors({**DEFAULT_POLICY, "member_credit_limit": -1})


def test_a_policy_version_turns_member_credit_off_and_the_policy_page_keeps_it(client, place_a):
    from django.urls import reverse

    from kopdes.cooperatives import services as cooperative_services

    unit, beras, _telur = stocked(place_a)
    member = member_with_savings(place_a, 500_000)
    with at(D):
        cooperative_services.policy_change(
            actor=place_a.ketua,
            cooperative=place_a.cooperative,
            effective_from=D,
            reason="RAT: potong simpanan dihentikan",
            member_credit_limit=0,
        )
    with pytest.raises(MemberCreditOff):
        buy(place_a, unit, member, [(beras, 1)])
    client.force_login(place_a.ketua)
    page = client.get(reverse("web:policy", args=[place_a.cooperative.public_id]))
    assert b'name="member_credit_limit"' in page.content
