"""The collective deposit (setoran kolektif): one entry, one transaction and receipt per line,
bills settled as at the counter, idempotent, all or nothing."""

from datetime import date

import pytest

from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent
from kopdes.ledger.models import JournalEntry, Sequence
from kopdes.members.models import Member
from kopdes.savings import services
from kopdes.savings.errors import CollectiveHasBadLines, InvalidChannel
from kopdes.savings.models import Bill, SavingsAccount, SavingsTransaction
from kopdes.savings.tests.factories import make_member
from kopdes.savings.tests.test_services import assert_reconciled, lines_of

pytestmark = pytest.mark.django_db

D = date(2026, 4, 6)


@pytest.fixture
def people(coop_a):
    return [make_member(coop_a, name=name) for name in ("Siti Aminah", "Budi Santoso", "Ani")]


def bills(coop):
    for month in ("2026-03", "2026-04", "2026-05"):
        services.savings_bills_create(actor=None, cooperative=coop, month=month)


def wajib_amount(coop) -> int:
    return Bill.objects.filter(cooperative=coop, kind="wajib").first().amount


def collect(place, lines, **kw):
    return services.savings_collective_deposit(
        actor=place.kasir,
        cooperative=place.cooperative,
        on=kw.pop("on", D),
        channel=kw.pop("channel", "cash"),
        lines=lines,
        **kw,
    )


def rows(coop):
    return (
        JournalEntry.objects.filter(cooperative=coop).count(),
        SavingsTransaction.objects.filter(cooperative=coop).count(),
        SavingsAccount.objects.filter(cooperative=coop).count(),
        list(Bill.objects.filter(cooperative=coop).values_list("pk", "paid_amount", "status")),
        Sequence.objects.filter(cooperative=coop, name=services.RECEIPT_SEQUENCE)
        .values_list("last_value", flat=True)
        .first(),
        AuditEvent.objects.filter(action="savings.collective_deposit").count(),
    )


def test_one_entry_one_receipt_per_line_bills_oldest_first(place_a, people):
    coop = place_a.cooperative
    bills(coop)
    siti, budi, ani = people
    wajib = wajib_amount(coop)
    pokok = Bill.objects.get(member=budi, kind="pokok").amount
    done = collect(
        place_a,
        [
            (siti, "wajib", 2 * wajib),  # a rapel of March and April; May is not due yet
            (budi, "pokok", pokok),
            (siti, "sukarela", 100_000),
            (ani, "wajib", wajib // 2),  # part of March
        ],
    )
    txns = done.transactions
    assert [t.receipt_number for t in txns] == [1, 2, 3, 4]
    assert [(t.account.member, t.account.kind, t.kind) for t in txns] == [
        (siti, "wajib", "bill_payment"),
        (budi, "pokok", "bill_payment"),
        (siti, "sukarela", "deposit"),
        (ani, "wajib", "bill_payment"),
    ]
    assert {t.entry_id for t in txns} == {done.entry.pk}
    assert done.total == 2 * wajib + pokok + 100_000 + wajib // 2
    # One entry: the cash received once, one control-account line per member line.
    subs = [str(t.account.public_id) for t in txns]
    assert lines_of(done.entry) == [
        ("1-101-01", done.total, 0, "", ""),
        ("3-102", 0, 2 * wajib, "savings", subs[0]),
        ("3-101", 0, pokok, "savings", subs[1]),
        ("2-101", 0, 100_000, "savings", subs[2]),
        ("3-102", 0, wajib // 2, "savings", subs[3]),
    ]
    assert done.entry.source_kind == "savings.collective" and done.entry.date == D
    status = dict(Bill.objects.filter(member=siti, kind="wajib").values_list("period", "status"))
    assert status == {"2026-03": "paid", "2026-04": "paid", "2026-05": "unpaid"}
    assert Bill.objects.get(member=budi, kind="pokok").status == "paid"
    assert Bill.objects.get(member=ani, kind="wajib", period="2026-03").status == "partial"
    assert SavingsAccount.objects.get(member=siti, kind="sukarela").balance == 100_000
    assert AuditEvent.objects.filter(action="savings.collective_deposit").count() == 1
    assert_reconciled(coop)


def test_settles_bills_exactly_like_the_counter(place_a, place_b):
    """The same payments at the counter (coop A) and in a collective deposit (coop B): the same
    bills paid, the same kinds of transaction, the same balances."""
    outcomes = []
    for place, collective in ((place_a, False), (place_b, True)):
        coop = place.cooperative
        siti = make_member(coop, name="Siti")
        bills(coop)
        wajib = wajib_amount(coop)
        payments = [(siti, "wajib", wajib + wajib // 2), (siti, "pokok", 1_000)]
        if collective:
            collect(place, payments)
        else:
            for member, kind, amount in payments:
                services.savings_deposit(
                    actor=None, cooperative=coop, member=member, kind=kind, amount=amount, on=D
                )
        outcomes.append(
            (
                sorted(
                    Bill.objects.filter(cooperative=coop).values_list(
                        "kind", "period", "paid_amount", "status"
                    )
                ),
                sorted(
                    SavingsTransaction.objects.filter(cooperative=coop).values_list(
                        "account__kind", "kind", "amount", "balance_after", "receipt_number"
                    )
                ),
            )
        )
        assert_reconciled(coop)
    assert outcomes[0] == outcomes[1]


def test_bank_channel(place_a, people):
    done = collect(place_a, [(people[0], "sukarela", 75_000)], channel="bank")
    assert lines_of(done.entry)[0][:2] == ("1-102", 75_000)
    assert done.transactions[0].channel == "bank"


def test_replay_and_conflict(place_a, people):
    coop = place_a.cooperative
    lines = [(people[0], "sukarela", 50_000), (people[1], "sukarela", 20_000)]
    first = collect(place_a, lines, idempotency_key="kolektif-2026-04-06")
    before = rows(coop)
    again = collect(place_a, lines, idempotency_key="kolektif-2026-04-06")
    assert again.entry.pk == first.entry.pk
    assert [t.pk for t in again.transactions] == [t.pk for t in first.transactions]
    assert rows(coop) == before
    changed = [(people[0], "sukarela", 50_000), (people[1], "sukarela", 25_000)]
    with pytest.raises(IdempotencyConflict):
        collect(place_a, changed, idempotency_key="kolektif-2026-04-06")
    with pytest.raises(IdempotencyConflict):  # another date is another request
        collect(place_a, lines, idempotency_key="kolektif-2026-04-06", on=date(2026, 4, 7))
    assert rows(coop) == before


def test_bad_lines_are_named_and_nothing_is_saved(place_a, place_b, people):
    coop = place_a.cooperative
    bills(coop)
    siti, budi, ani = people
    Member.objects.filter(pk=ani.pk).update(status=Member.Status.RESIGNED)
    ani.refresh_from_db()
    stranger = make_member(place_b.cooperative, name="Orang Lain")
    before = rows(coop)
    with pytest.raises(CollectiveHasBadLines) as caught:
        collect(
            place_a,
            [
                (siti, "wajib", 20_000),  # good
                (budi, "tabungan", 10_000),
                (budi, "sukarela", 0),
                (stranger, "sukarela", 10_000),
                (ani, "sukarela", 10_000),
                (siti, "wajib", 5_000),  # the same member and kind twice
            ],
        )
    error = caught.value
    assert error.code == "savings.collective_bad_lines" and error.status == 422
    problems = error.fields["lines"]
    assert [p.split(":")[0] for p in problems] == [f"Baris {n}" for n in (2, 3, 4, 5, 6)]
    assert "Orang Lain" not in " ".join(problems)  # nothing about another cooperative's member
    assert error.params["count"] == 5
    assert rows(coop) == before
    with pytest.raises(CollectiveHasBadLines):
        collect(place_a, [])
    with pytest.raises(InvalidChannel):
        collect(place_a, [(siti, "sukarela", 10_000)], channel="gopay")
    assert rows(coop) == before


def test_closed_account_refused(place_a, people):
    coop = place_a.cooperative
    siti = people[0]
    collect(place_a, [(siti, "sukarela", 10_000)])
    SavingsAccount.objects.filter(member=siti).update(status=SavingsAccount.Status.CLOSED)
    before = rows(coop)
    with pytest.raises(CollectiveHasBadLines) as caught:
        collect(place_a, [(people[1], "sukarela", 5_000), (siti, "sukarela", 5_000)])
    assert caught.value.fields["lines"][0].startswith("Baris 2")
    assert rows(coop) == before


def test_the_booking_returns_its_rows_without_reading_them_back(place_a, people):
    """What a booking returns is what it stored (the rows, their accounts and members), and it is
    not read back: the demo's founders' deposits make thousands of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bills(place_a.cooperative)
    lines = [(people[0], "wajib", 40_000), (people[1], "sukarela", 20_000), (people[2], "pokok", 1)]
    with CaptureQueriesContext(connection) as queries:
        done = collect(place_a, lines)
    table = SavingsTransaction._meta.db_table
    assert not [
        q for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    stored = list(
        SavingsTransaction.objects.filter(entry=done.entry)
        .select_related("account__member")
        .order_by("receipt_number")
    )
    fields = [f.attname for f in SavingsTransaction._meta.concrete_fields]
    assert [[getattr(t, f) for f in fields] for t in done.transactions] == [
        [getattr(t, f) for f in fields] for t in stored
    ]
    assert [t.account.member.pk for t in done.transactions] == [p.pk for p in people]
    assert [t.account.balance for t in done.transactions] == [t.account.balance for t in stored]
