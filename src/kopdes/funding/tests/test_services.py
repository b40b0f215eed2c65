"""Funding sources: receipts posted by kind and policy, uses refused outside a restricted fund's
lines or flagged to the pengawas, balances, evidence, attaching another service's entry, the
report against the ledger."""

from datetime import date

import pytest

from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import BusinessUnit
from kopdes.core.errors import IdempotencyConflict
from kopdes.funding import selectors, services
from kopdes.funding.errors import (
    AttachBeyondEntry,
    BeyondCommitment,
    EntryNotOutgoing,
    EvidenceRequired,
    InsufficientFund,
    InvalidDocument,
    InvalidFlagDecision,
    InvalidSource,
    LineNotPermitted,
    NotAllowed,
    SourceClosed,
    UnitRequired,
    UnknownObject,
)
from kopdes.funding.models import FundingSource, FundReceipt, FundUse
from kopdes.funding.tests.factories import PDF, PNG, D, funded, make_source, spend
from kopdes.ledger import services as ledger
from kopdes.ledger.models import JournalEntry
from kopdes.ledger.selectors import account_balances


def lines(entry) -> list[tuple[str, int, int]]:
    return sorted(entry.lines.values_list("account__code", "debit", "credit"))


def set_policy(place, **values):
    cooperative_services.policy_change(
        actor=None,
        cooperative=place.cooperative,
        effective_from=date(2026, 1, 1),
        reason="Keputusan RAT",
        **values,
    )


def test_csr_and_apbd_hibah_are_restricted_by_default_and_name_their_lines(place_a):
    csr = make_source(place_a)
    assert csr.restricted and csr.permitted_lines == ["sembako", "lpg"]
    dana_desa = make_source(place_a, kind="dana_desa", lines=())
    assert not dana_desa.restricted
    with pytest.raises(InvalidSource) as refused:
        make_source(place_a, kind="apbd_hibah", lines=())
    assert "permitted_lines" in refused.value.fields
    with pytest.raises(InvalidSource):
        make_source(place_a, lines=("kapal_pesiar",))
    assert FundingSource.objects.filter(cooperative=place_a.cooperative).count() == 2


@pytest.mark.parametrize(
    ("kind", "channel", "expected"),
    [
        ("csr", "bank", [("1-102", 5_000_000, 0), ("3-103", 0, 5_000_000)]),
        ("apbd_hibah", "bank", [("1-102", 5_000_000, 0), ("3-103", 0, 5_000_000)]),
        ("dana_desa", "bank", [("1-102", 5_000_000, 0), ("3-107", 0, 5_000_000)]),
        ("bank_loan", "bank", [("1-102", 5_000_000, 0), ("2-201", 0, 5_000_000)]),
        ("other_loan", "bank", [("1-102", 5_000_000, 0), ("2-202", 0, 5_000_000)]),
        ("csr", "cash", [("1-101-01", 5_000_000, 0), ("3-103", 0, 5_000_000)]),
    ],
)
def test_a_receipt_posts_to_the_account_of_its_kind(place_a, kind, channel, expected):
    source = make_source(place_a, kind=kind)
    receipt = services.fund_receive(
        actor=place_a.bendahara, source=source, amount=5_000_000, on=D, channel=channel
    )
    assert lines(receipt.entry) == expected
    assert receipt.entry.source_kind == "fund.received"


def test_the_policy_books_a_grant_as_income_when_it_says_so(place_a):
    set_policy(place_a, csr_capital_as_equity=False)
    for kind in ("csr", "apbd_hibah"):
        receipt = services.fund_receive(
            actor=place_a.bendahara, source=make_source(place_a, kind=kind), amount=1_000, on=D
        )
        assert lines(receipt.entry) == [("1-102", 1_000, 0), ("4-902", 0, 1_000)]


def test_the_same_key_returns_the_first_receipt_and_another_request_conflicts(place_a):
    source = make_source(place_a)
    first = services.fund_receive(
        actor=place_a.bendahara, source=source, amount=1_000_000, on=D, idempotency_key="r-1"
    )
    again = services.fund_receive(
        actor=place_a.bendahara, source=source, amount=1_000_000, on=D, idempotency_key="r-1"
    )
    assert again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        services.fund_receive(
            actor=place_a.bendahara, source=source, amount=2_000_000, on=D, idempotency_key="r-1"
        )
    assert FundReceipt.objects.filter(source=source).count() == 1


def test_receipts_never_exceed_the_committed_amount(place_a):
    source = make_source(place_a, amount=10_000_000)
    services.fund_receive(actor=place_a.bendahara, source=source, amount=8_000_000, on=D)
    with pytest.raises(BeyondCommitment):
        services.fund_receive(actor=place_a.bendahara, source=source, amount=3_000_000, on=D)
    assert FundReceipt.objects.filter(source=source).count() == 1


def test_only_the_ketua_and_bendahara_manage_funds(place_a):
    with pytest.raises(NotAllowed):
        services.funding_source_create(
            actor=place_a.kasir,
            cooperative=place_a.cooperative,
            kind="csr",
            name="X",
            amount=1,
            permitted_lines=["sembako"],
        )
    source = funded(place_a, amount=5_000_000)
    with pytest.raises(NotAllowed):
        spend(place_a, source, actor=place_a.sekretaris)


@pytest.mark.parametrize(
    ("kind", "unit", "channel", "expected"),
    [
        ("asset", None, "bank", [("1-102", 0, 700_000), ("1-301", 700_000, 0)]),
        ("expense", None, "cash", [("1-101-01", 0, 700_000), ("5-209", 700_000, 0)]),
        ("working_capital", "sembako", "bank", [("1-101-02", 700_000, 0), ("1-102", 0, 700_000)]),
    ],
)
def test_a_spending_posts_what_the_money_bought(place_a, kind, unit, channel, expected):
    source = funded(place_a, amount=5_000_000)
    gerai = _unit(place_a, unit) if unit is not None else None
    use = spend(place_a, source, 700_000, kind=kind, unit=gerai, channel=channel)
    assert lines(use.entry) == expected
    assert (use.kind, use.spend_kind, use.flagged, use.flag_state) == ("spent", kind, False, "")
    assert len(use.evidence_sha256) == 64 and use.evidence.name.endswith(".png")


def _unit(place, code):
    return BusinessUnit.objects.get(cooperative=place.cooperative, code=code)


def test_working_capital_names_a_gerai(place_a):
    source = funded(place_a, amount=5_000_000)
    with pytest.raises(UnitRequired):
        spend(place_a, source, kind="working_capital")


def test_a_restricted_fund_refuses_a_line_it_does_not_permit(place_a):
    source = funded(place_a, amount=5_000_000)
    with pytest.raises(LineNotPermitted) as refused:
        spend(place_a, source, line="klinik")
    assert refused.value.code == "funding.line_not_permitted"
    assert not FundUse.objects.filter(source=source).exists()
    # An unrestricted fund may be used on any line.
    open_fund = funded(place_a, amount=5_000_000, kind="dana_desa", lines=())
    assert spend(place_a, open_fund, line="klinik").flagged is False


def test_under_the_flag_policy_the_use_is_recorded_and_the_pengawas_follows_it_up(place_a):
    set_policy(place_a, restricted_fund_outside_lines="flag")
    source = funded(place_a, amount=5_000_000)
    use = spend(place_a, source, line="klinik")
    assert (use.flagged, use.flag_state) == (True, "open")
    assert list(selectors.open_flags(place_a.cooperative)) == [use]
    assert selectors.open_flag_count(place_a.cooperative) == 1
    with pytest.raises(NotAllowed):  # the bendahara cannot clear their own flag
        services.fund_flag_decide(
            actor=place_a.bendahara, use=use, state="resolved", note="Sudah benar"
        )
    with pytest.raises(InvalidSource):  # a decision says why
        services.fund_flag_decide(actor=place_a.pengawas, use=use, state="acknowledged", note="")
    use = services.fund_flag_decide(
        actor=place_a.pengawas, use=use, state="acknowledged", note="Diminta klarifikasi"
    )
    assert use.flag_state == "acknowledged"
    assert selectors.open_flag_count(place_a.cooperative) == 0
    assert list(selectors.open_flags(place_a.cooperative)) == [use]  # until resolved
    use = services.fund_flag_decide(
        actor=place_a.kepala_desa, use=use, state="resolved", note="Dana dikembalikan"
    )
    assert use.flag_state == "resolved" and use.flag_decided_by_label
    assert not selectors.open_flags(place_a.cooperative).exists()
    with pytest.raises(InvalidFlagDecision):
        services.fund_flag_decide(actor=place_a.pengawas, use=use, state="acknowledged", note="x")


def test_a_use_beyond_the_fund_balance_is_refused(place_a):
    source = funded(place_a, amount=2_000_000)
    spend(place_a, source, 1_500_000)
    with pytest.raises(InsufficientFund) as refused:
        spend(place_a, source, 600_000)
    assert refused.value.params == {"amount": 600_000, "balance": 500_000}
    assert FundUse.objects.filter(source=source).count() == 1


def test_every_use_carries_evidence(place_a):
    source = funded(place_a, amount=2_000_000)
    with pytest.raises(EvidenceRequired):
        spend(place_a, source, evidence=None)
    with pytest.raises(InvalidDocument):
        spend(place_a, source, evidence=b"not a photo")
    assert spend(place_a, source, evidence=PDF).evidence.name.endswith(".pdf")
    assert FundUse.objects.filter(source=source).count() == 1


def _expense(place, amount):
    return ledger.post_event(
        cooperative=place.cooperative,
        event="expense.cash",
        key="5-209",
        amounts={"amount": amount},
        date=D,
        memo="Beli bibit",
    )


def test_attaching_an_entry_attributes_it_without_a_second_posting(place_a, place_b):
    first = funded(place_a, amount=5_000_000)
    second = funded(place_a, amount=5_000_000, name="Hibah APBD", kind="apbd_hibah")
    entry = _expense(place_a, 1_000_000)
    posted = _entry_count(place_a)
    use = services.fund_attach(
        actor=place_a.bendahara,
        source=first,
        line="sembako",
        entry=entry,
        amount=600_000,
        evidence=PNG,
        description="Bibit untuk gerai",
    )
    assert (use.kind, use.on, use.entry_id) == ("attached", D, entry.pk)
    assert _entry_count(place_a) == posted
    with pytest.raises(AttachBeyondEntry):
        services.fund_attach(
            actor=place_a.bendahara,
            source=second,
            line="sembako",
            entry=entry,
            amount=500_000,
            evidence=PNG,
            description="Sisa",
        )
    services.fund_attach(
        actor=place_a.bendahara,
        source=second,
        line="sembako",
        entry=entry,
        amount=400_000,
        evidence=PNG,
        description="Sisa",
    )
    # A fund's own spending is already a use; another cooperative's entry is not found.
    own = spend(place_a, first, 100_000)
    with pytest.raises(EntryNotOutgoing):
        services.fund_attach(
            actor=place_a.bendahara,
            source=first,
            line="sembako",
            entry=own.entry,
            amount=1,
            evidence=PNG,
            description="x",
        )
    with pytest.raises(UnknownObject):
        services.fund_attach(
            actor=place_a.bendahara,
            source=first,
            line="sembako",
            entry=_expense(place_b, 1_000),
            amount=1,
            evidence=PNG,
            description="x",
        )


def _entry_count(place) -> int:
    return JournalEntry.objects.filter(cooperative=place.cooperative).count()


def test_the_report_totals_equal_the_ledger(place_a):
    before = account_balances(cooperative=place_a.cooperative, codes=["1-102", "3-103"])
    source = funded(place_a, amount=10_000_000)
    spend(place_a, source, 1_000_000, line="sembako")
    spend(place_a, source, 2_500_000, line="lpg", kind="asset")
    spend(place_a, source, 500_000, line="lpg")
    [row] = selectors.fund_use(place_a.cooperative, source)
    after = account_balances(cooperative=place_a.cooperative, codes=["1-102", "3-103"])
    assert row.received == before.get("3-103", 0) - after["3-103"] == 10_000_000
    assert row.received - row.spent == after["1-102"] - before.get("1-102", 0) == row.balance
    assert [(u.line, u.amount) for u in row.by_line] == [("lpg", 3_000_000), ("sembako", 1_000_000)]
    assert (row.use_count, row.evidence_count, row.open_flags) == (3, 3, 0)
    [partner] = selectors.by_partner(selectors.fund_use(place_a.cooperative))
    assert (partner.partner, partner.received, partner.spent) == (
        "PT Contoh Properti",
        10_000_000,
        4_000_000,
    )


def test_a_closed_source_takes_nothing_more(place_a):
    source = funded(place_a, amount=2_000_000)
    services.funding_source_close(actor=place_a.ketua, source=source, on=D)
    with pytest.raises(SourceClosed):
        spend(place_a, source)
