"""The early warnings (peringatan dini): each rule fires and does not fire, the scan is
idempotent and clears what no longer holds, thresholds per scope, the follow-up and its audit,
and the command."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kopdes import testing
from kopdes.accounts.access import Capability, capabilities, watched_cooperatives
from kopdes.cooperatives import services as cooperative_services
from kopdes.core import clock
from kopdes.core.audit import audit_record
from kopdes.core.models import AuditEvent
from kopdes.ledger.services import manual_journal_decide, manual_journal_draft
from kopdes.loans.tests.factories import make_applied_loan
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.supervision import selectors, services
from kopdes.supervision.errors import (
    NotWarningExaminer,
    ResolutionNoteRequired,
    ScopeNotExamined,
    ThresholdsInvalid,
    WarningClosed,
    WarningNotOpen,
)
from kopdes.supervision.models import EarlyWarning, WarningKind, WarningThresholds

JAKARTA = ZoneInfo("Asia/Jakarta")
K = WarningKind


def scan(coop, on, actor=None):
    return services.warnings_scan(actor=actor, cooperatives=[coop], on=on)


def kinds(coop, state=None):
    rows = EarlyWarning.objects.filter(cooperative=coop)
    if state:
        rows = rows.filter(state=state)
    return sorted(rows.values_list("kind", flat=True))


def deposit(place, member, amount, on, channel="cash"):
    return savings.savings_deposit(
        actor=None,
        cooperative=place.cooperative,
        member=member,
        kind="sukarela",
        amount=amount,
        on=on,
        channel=channel,
    )


def manual_entry(place, *, amount, dated, posted_at):
    with clock.as_of(posted_at):
        journal = manual_journal_draft(
            actor=place.bendahara,
            cooperative=place.cooperative,
            date=dated,
            memo="Setor ke bank",
            lines=[
                {"account": "1-102", "debit": amount},
                {"account": "1-101-01", "credit": amount},
            ],
        )
        return manual_journal_decide(actor=place.ketua, journal=journal, approve=True).entry


def test_defaults_are_shipped_by_the_migration(db):
    row = WarningThresholds.objects.get(scope="", version=1)
    assert row.values["cash_limit"] == 20_000_000 and row.values["rat_months"] == 6


def test_cash_above_the_limit_and_no_bank_deposit(place_a, place_b):
    member = make_member(place_a.cooperative)
    deposit(place_a, member, 25_000_000, date(2026, 3, 2))
    scan(place_a.cooperative, date(2026, 3, 20))
    warning = EarlyWarning.objects.get(cooperative=place_a.cooperative, kind=K.CASH_ABOVE_LIMIT)
    assert warning.facts == {"balance": 25_000_000, "limit": 20_000_000}
    assert K.NO_BANK_DEPOSIT in kinds(place_a.cooperative)
    assert selectors.evidence_url(warning).endswith("/laporan/neraca-saldo/")
    # Place B keeps its money in the bank: neither fires.
    deposit(place_b, make_member(place_b.cooperative), 1_000_000, date(2026, 3, 2), "bank")
    scan(place_b.cooperative, date(2026, 3, 3))
    assert K.CASH_ABOVE_LIMIT not in kinds(place_b.cooperative)
    assert K.NO_BANK_DEPOSIT not in kinds(place_b.cooperative)


def test_a_back_dated_after_hours_round_manual_entry(place_a):
    make_member(place_a.cooperative)
    late = manual_entry(
        place_a,
        amount=5_000_000,
        dated=date(2026, 3, 2),
        posted_at=datetime(2026, 3, 20, 22, 30, tzinfo=JAKARTA),
    )
    fine = manual_entry(
        place_a,
        amount=1_234_000,
        dated=date(2026, 3, 20),
        posted_at=datetime(2026, 3, 20, 10, 0, tzinfo=JAKARTA),
    )
    scan(place_a.cooperative, date(2026, 3, 21))
    about_late = set(
        EarlyWarning.objects.filter(subject=late.public_id.hex).values_list("kind", flat=True)
    )
    assert about_late == {K.BACKDATED_POSTING, K.AFTER_HOURS_POSTING, K.ROUND_AMOUNT_POSTING}
    assert not EarlyWarning.objects.filter(subject=fine.public_id.hex).exists()
    warning = EarlyWarning.objects.get(subject=late.public_id.hex, kind=K.BACKDATED_POSTING)
    assert warning.facts["days_late"] == 18
    assert str(late.public_id) in selectors.evidence_url(warning)
    # Outside the look-back window (30 days) they no longer hold: cleared.
    scan(place_a.cooperative, date(2026, 5, 1))
    warning.refresh_from_db()
    assert warning.state == "cleared" and warning.cleared_on == date(2026, 5, 1)


def test_large_withdrawals(place_a):
    member = make_member(place_a.cooperative)
    deposit(place_a, member, 30_000_000, date(2026, 3, 2), channel="bank")
    big = savings.savings_withdraw(
        actor=None,
        cooperative=place_a.cooperative,
        member=member,
        amount=12_000_000,
        on=date(2026, 3, 5),
        channel="bank",
    )
    savings.savings_withdraw(
        actor=None,
        cooperative=place_a.cooperative,
        member=member,
        amount=1_000_000,
        on=date(2026, 3, 5),
        channel="bank",
    )
    scan(place_a.cooperative, date(2026, 3, 6))
    found = EarlyWarning.objects.filter(cooperative=place_a.cooperative, kind=K.LARGE_WITHDRAWAL)
    assert [w.subject for w in found] == [big.public_id.hex]
    assert str(member.public_id) in selectors.evidence_url(found[0])


def test_a_loan_to_a_pengurus_but_not_to_a_member(place_a):
    bendahara_member = make_member(place_a.cooperative, user=place_a.bendahara)
    related = make_applied_loan(place_a, member=bendahara_member, principal=1_000_000)
    make_applied_loan(place_a, principal=1_000_000)
    scan(place_a.cooperative, date(2026, 3, 3))
    found = EarlyWarning.objects.filter(kind=K.RELATED_PARTY_LOAN)
    assert [w.subject for w in found] == [related.public_id.hex]


def test_restricted_fund_spent_outside_its_lines(place_a):
    cooperative_services.policy_change(
        actor=None,
        cooperative=place_a.cooperative,
        effective_from=date(2026, 1, 1),
        reason="Keputusan RAT",
        restricted_fund_outside_lines="flag",
    )
    fund = testing.make_funding(place_a)
    scan(place_a.cooperative, date(2026, 3, 3))
    assert K.FUND_OUTSIDE_LINES not in kinds(place_a.cooperative)  # its use is on its lines
    from kopdes.funding import services as funding

    use = funding.fund_spend(
        actor=place_a.bendahara,
        source=fund.source,
        line="klinik",
        kind="asset",
        amount=1_000_000,
        on=date(2026, 3, 3),
        description="Alat klinik",
        payee="Toko Alkes",
        evidence=testing.SAMPLE_PNG,
    )
    scan(place_a.cooperative, date(2026, 3, 4))
    warning = EarlyWarning.objects.get(kind=K.FUND_OUTSIDE_LINES)
    assert warning.subject == use.public_id.hex


def test_stock_shrinkage_against_sales(place_a, place_b):
    from kopdes.commerce.services import stock_write_off_decide

    data = testing.commerce_personas(place_a)
    with clock.as_of(datetime(2026, 3, 2, 13, 0, tzinfo=JAKARTA)):
        stock_write_off_decide(actor=place_a.ketua, write_off=data.extra["write_off"], approve=True)
    result = scan(place_a.cooperative, date(2026, 3, 10))
    assert K.STOCK_SHRINKAGE in result.by_kind
    # Nothing written off or counted short in place B.
    scan(place_b.cooperative, date(2026, 3, 10))
    assert K.STOCK_SHRINKAGE not in kinds(place_b.cooperative)


def test_falling_wajib_collection(place_a):
    make_member(place_a.cooperative, joined_on=date(2026, 1, 1))
    for month in ("2026-01", "2026-02"):
        savings.savings_bills_create(actor=None, cooperative=place_a.cooperative, month=month)
    scan(place_a.cooperative, date(2026, 3, 5))
    warning = EarlyWarning.objects.get(kind=K.WAJIB_COLLECTION_FALLING)
    assert warning.subject == "2026-02" and warning.facts["rate"] == 0
    # The threshold at 0 %: nothing is below it.
    services.warning_thresholds_set(
        actor=None, scope=place_a.cooperative.village_id, values={"wajib_rate_percent": 0}
    )
    scan(place_a.cooperative, date(2026, 3, 5))
    warning.refresh_from_db()
    assert warning.state == "cleared"


def test_rat_overdue_period_not_closed_and_checkpoint_missing(place_a):
    member = make_member(place_a.cooperative)
    deposit(place_a, member, 100_000, date(2026, 3, 2), channel="bank")
    scan(place_a.cooperative, date(2026, 3, 20))
    assert K.RAT_OVERDUE not in kinds(place_a.cooperative)  # the 2025 RAT is due by 30 June
    assert K.PERIOD_NOT_CLOSED not in kinds(place_a.cooperative)
    assert K.CHECKPOINT_STALE in kinds(place_a.cooperative)  # books, no checkpoint
    scan(place_a.cooperative, date(2026, 7, 1))
    rat = EarlyWarning.objects.get(kind=K.RAT_OVERDUE)
    assert rat.subject == "2025" and rat.facts["deadline"] == "2026-06-30"
    period = EarlyWarning.objects.get(kind=K.PERIOD_NOT_CLOSED)
    assert period.subject == "2026-03"


def test_ledger_verification_failure(place_a, place_b):
    from kopdes.ledger.selectors import VERIFY_FAILED

    audit_record(
        actor=None,
        action=VERIFY_FAILED,
        object_type="ledger.journal",
        cooperative_id=place_a.cooperative.pk,
    )
    services.warnings_scan(
        actor=None, cooperatives=[place_a.cooperative, place_b.cooperative], on=date(2026, 3, 2)
    )
    assert K.LEDGER_VERIFICATION in kinds(place_a.cooperative)
    assert K.LEDGER_VERIFICATION not in kinds(place_b.cooperative)


def test_scanning_twice_raises_nothing_new_and_a_resolved_warning_stays(place_a, examiner):
    deposit(place_a, make_member(place_a.cooperative), 25_000_000, date(2026, 3, 2))
    first = scan(place_a.cooperative, date(2026, 3, 20))
    count = EarlyWarning.objects.count()
    audits = AuditEvent.objects.filter(action__startswith="warning.").count()
    second = scan(place_a.cooperative, date(2026, 3, 20))
    assert (second.raised, second.cleared, second.reopened) == (0, 0, 0)
    assert second.kept == first.raised
    assert EarlyWarning.objects.count() == count
    assert AuditEvent.objects.filter(action__startswith="warning.").count() == audits
    cash = EarlyWarning.objects.get(kind=K.CASH_ABOVE_LIMIT)
    services.warning_resolve(actor=examiner, warning=cash, note="Kas sudah disetor ke bank.")
    scan(place_a.cooperative, date(2026, 3, 21))
    cash.refresh_from_db()
    assert cash.state == "resolved"


def test_follow_up_open_acknowledged_resolved_audited(place_a, examiner):
    deposit(place_a, make_member(place_a.cooperative), 25_000_000, date(2026, 3, 2))
    scan(place_a.cooperative, date(2026, 3, 20))
    warning = EarlyWarning.objects.get(kind=K.CASH_ABOVE_LIMIT)
    with pytest.raises(NotWarningExaminer):
        services.warning_acknowledge(actor=place_a.ketua, warning=warning)
    services.warning_acknowledge(actor=examiner, warning=warning, note="Dicek minggu ini")
    with pytest.raises(WarningNotOpen):
        services.warning_acknowledge(actor=examiner, warning=warning)
    with pytest.raises(ResolutionNoteRequired):
        services.warning_resolve(actor=examiner, warning=warning, note="  ")
    done = services.warning_resolve(actor=examiner, warning=warning, note="Disetor ke bank.")
    assert (done.state, done.resolved_by_label) == ("resolved", str(examiner))
    with pytest.raises(WarningClosed):
        services.warning_resolve(actor=examiner, warning=warning, note="Lagi")
    history = [e.action for e in selectors.warning_history(done)]
    assert history == ["warning.raise", "warning.acknowledge", "warning.resolve"]
    assert selectors.warning_history(done).last().reason == "Disetor ke bank."


def test_thresholds_per_scope_and_who_sets_them(place_a, place_b, examiner):
    deposit(place_a, make_member(place_a.cooperative), 25_000_000, date(2026, 3, 2))
    deposit(place_b, make_member(place_b.cooperative), 25_000_000, date(2026, 3, 2))
    kecamatan = place_a.cooperative.village.district_id
    services.warning_thresholds_set(
        actor=examiner, scope=kecamatan, values={"cash_limit": 30_000_000}, note="Balaraja"
    )
    thresholds = selectors.thresholds_for([place_a.cooperative, place_b.cooperative])
    assert thresholds[place_a.cooperative.pk]["cash_limit"] == 30_000_000
    assert thresholds[place_b.cooperative.pk]["cash_limit"] == 20_000_000
    services.warning_thresholds_set(
        actor=examiner, scope=place_a.cooperative.village_id, values={"cash_limit": 10_000_000}
    )
    assert (
        selectors.thresholds_for([place_a.cooperative])[place_a.cooperative.pk]["cash_limit"]
        == 10_000_000
    )
    services.warning_thresholds_set(actor=examiner, scope=kecamatan, values={})
    assert [r.version for r in selectors.thresholds_history(kecamatan)] == [2, 1]
    with pytest.raises(ThresholdsInvalid):
        services.warning_thresholds_set(actor=examiner, scope="", values={"cash_limit": 1})
    with pytest.raises(ThresholdsInvalid):
        services.warning_thresholds_set(
            actor=examiner, scope=kecamatan, values={"office_open_hour": 20, "office_close_hour": 8}
        )
    reader = testing.make_supervisor(
        agency="kejaksaan", organisation="Kejari", region_prefix="36.03"
    )
    with pytest.raises(ScopeNotExamined):
        services.warning_thresholds_set(actor=reader, scope=kecamatan, values={})
    assert AuditEvent.objects.filter(action="warning.thresholds_set").count() == 3


def test_who_sees_and_who_follows_up(place_a, place_b, examiner):
    coop = place_a.cooperative
    csr = testing.make_supervisor(agency="csr", organisation="PT CSR", cooperatives=[coop])
    jaksa = testing.make_supervisor(
        agency="kejaksaan", organisation="Kejari", region_prefix="36.03"
    )
    assert Capability.VIEW_WARNINGS in capabilities(place_a.ketua, coop)
    assert Capability.VIEW_WARNINGS in capabilities(place_a.pengawas, coop)
    assert Capability.VIEW_WARNINGS not in capabilities(place_a.kasir, coop)
    assert Capability.VIEW_WARNINGS not in capabilities(csr, coop)
    assert capabilities(csr, coop) == {Capability.VIEW_CSR_REPORT}  # issue 15.1
    assert Capability.VIEW_WARNINGS in capabilities(jaksa, coop)
    assert Capability.FOLLOW_UP_WARNINGS not in capabilities(jaksa, coop)
    assert Capability.FOLLOW_UP_WARNINGS in capabilities(examiner, coop)
    assert list(watched_cooperatives(csr)) == []
    assert list(watched_cooperatives(place_a.ketua)) == [coop]
    assert set(watched_cooperatives(jaksa)) >= {coop, place_b.cooperative}


def test_the_command_scans_and_reports(place_a):
    deposit(place_a, make_member(place_a.cooperative), 25_000_000, date(2026, 3, 2))
    out = StringIO()
    code = place_a.cooperative.village_id
    call_command("warnings", "scan", "--cooperative", code, "--on", "2026-03-20", stdout=out)
    assert "1 koperasi diperiksa" in out.getvalue()
    assert EarlyWarning.objects.filter(kind=K.CASH_ABOVE_LIMIT).exists()
    again = StringIO()
    call_command("warnings", "scan", "--cooperative", code, "--on", "2026-03-20", stdout=again)
    assert " 0 baru" in again.getvalue()


def test_the_rules_read_every_cooperative_at_once(place_a, place_b):
    """Set-based: scanning two cooperatives costs the queries of scanning one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for place in (place_a, place_b):
        deposit(place, make_member(place.cooperative), 25_000_000, date(2026, 3, 2))
    EarlyWarning.objects.all().delete()
    with CaptureQueriesContext(connection) as one:
        scan(place_a.cooperative, date(2026, 7, 1))
    EarlyWarning.objects.all().delete()
    with CaptureQueriesContext(connection) as two:
        services.warnings_scan(
            actor=None, cooperatives=[place_a.cooperative, place_b.cooperative], on=date(2026, 7, 1)
        )
    assert len(two) == len(one)
