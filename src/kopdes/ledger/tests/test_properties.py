"""Property: any sequence of valid postings and reversals keeps the books balanced (the monthly
snapshots agree with the journal lines, debits equal credits) and the ledger verifiable (hash
chain, numbering, and the signed checkpoint of the day)."""

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopdes.ledger import checkpoints, merkle, services
from kopdes.ledger.errors import AlreadyReversed
from kopdes.ledger.models import Account, AccountMonth, JournalEntry, JournalLine
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
POSTED_ON = date(2026, 4, 2)

amounts = st.integers(min_value=1, max_value=10**12)
moves = st.lists(
    st.tuples(st.integers(min_value=0), st.integers(min_value=0), amounts), min_size=1, max_size=3
)
posting = st.tuples(st.just("post"), moves, st.integers(min_value=1, max_value=31))
reversal = st.tuples(st.just("reverse"), st.integers(min_value=0), st.integers(1, 31))
operations = st.lists(st.one_of(posting, posting, reversal), min_size=1, max_size=12)


def trial_balance_holds(cooperative) -> None:
    snapshots = AccountMonth.objects.filter(cooperative=cooperative)
    totals = snapshots.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    from_snapshots = {
        (s.account_id, s.year, s.month): (s.debit, s.credit)
        for s in snapshots
        if s.debit or s.credit
    }
    from_lines: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for account_id, day, debit, credit in JournalLine.objects.filter(
        cooperative=cooperative
    ).values_list("account_id", "date", "debit", "credit"):
        cell = from_lines[(account_id, day.year, day.month)]
        cell[0] += debit
        cell[1] += credit
    assert from_snapshots == {k: tuple(v) for k, v in from_lines.items()}
    lines = JournalLine.objects.filter(cooperative=cooperative).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    assert lines["d"] == lines["c"] == totals["d"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_postings_and_reversals_keep_the_books_balanced_and_verifiable(coop_a, ops):
    accounts = list(
        Account.objects.filter(cooperative=coop_a, is_header=False, is_closed=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    with transaction.atomic():
        with time_machine.travel(datetime.combine(POSTED_ON, time(9), tzinfo=JAKARTA), tick=False):
            posted: list[JournalEntry] = []
            for kind, spec, day in ops:
                on = date(2026, 3, day)
                if kind == "post":
                    lines = []
                    for debit, credit, amount in spec:
                        lines.append(Line(accounts[debit % len(accounts)], debit=amount))
                        lines.append(Line(accounts[credit % len(accounts)], credit=amount))
                    posted.append(
                        services.journal_entry_post(
                            cooperative=coop_a,
                            date=on,
                            memo="Uji properti",
                            lines=lines,
                            source_kind="test",
                        )
                    )
                elif posted:
                    target = posted[spec % len(posted)]
                    on = max(on, target.date)  # a reversal is never dated before its entry
                    if target.reverses_id or target.reversals.exists():
                        with pytest.raises(AlreadyReversed):
                            services.journal_entry_reverse(entry=target, date=on, actor=None)
                    else:
                        posted.append(
                            services.journal_entry_reverse(entry=target, date=on, actor=None)
                        )
        trial_balance_holds(coop_a)
        numbers = list(
            JournalEntry.objects.filter(cooperative=coop_a)
            .order_by("number")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(posted) + 1))
        if posted:
            with time_machine.travel(
                datetime.combine(date(2026, 4, 3), time(1), tzinfo=JAKARTA), tick=False
            ):
                checkpoint = checkpoints.checkpoint_create(cooperative=coop_a, day=POSTED_ON)
            assert checkpoint.tree_size == len(posted)
            leaves = [r.leaf for r in checkpoints.journal_rows(coop_a)]
            assert checkpoint.root_hash == merkle.root(leaves).hex()
            report = checkpoints.ledger_verify(cooperative=coop_a)
            assert report.ok, report.problems
            assert (report.entries, report.checkpoints) == (len(posted), 1)
        transaction.set_rollback(True)  # each example starts from empty books
