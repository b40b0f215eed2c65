"""The pure repayment rules (loans/repayment.py): allocation, dues, payoff quote, restructure plan."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kopdes.loans import repayment as r


def _loan() -> list[r.Due]:
    """Four monthly installments of 250,000 pokok + 20,000 jasa, due 10 Jan .. 10 Apr 2026."""
    return [
        r.Due(number=n, due_date=date(2026, n, 10), principal=250_000, interest=20_000)
        for n in range(1, 5)
    ]


def test_denda_then_jasa_then_pokok_oldest_first():
    # On 15 Feb two installments are due (540,000) and 7,000 of denda: 300,000 pays the denda,
    # both installments' jasa (40,000), then pokok of the oldest first (253,000).
    a = r.allocate_payment(
        amount=300_000, penalty_due=7_000, installments=_loan(), on=date(2026, 2, 15)
    )
    assert (a.penalty, a.interest, a.principal, a.left) == (7_000, 40_000, 253_000, 0)
    assert a.parts == (
        r.Part(number=1, principal=250_000, interest=20_000),
        r.Part(number=2, principal=3_000, interest=20_000),
    )


def test_the_order_is_the_products():
    a = r.allocate_payment(
        amount=260_000,
        penalty_due=7_000,
        installments=_loan(),
        on=date(2026, 2, 15),
        order=["pokok", "jasa", "denda"],
    )
    assert (a.principal, a.interest, a.penalty) == (260_000, 0, 0)
    assert a.parts == (r.Part(number=1, principal=250_000, interest=0), r.Part(2, 10_000, 0))


def test_a_bad_order_is_refused():
    with pytest.raises(ValueError):
        r.check_order(["denda", "jasa"])
    with pytest.raises(ValueError):
        r.check_order(["denda", "jasa", "jasa"])


def test_partial_payment_continues_where_the_last_one_stopped():
    rows = _loan()
    rows[0] = r.Due(
        1, date(2026, 1, 10), 250_000, 20_000, paid_principal=100_000, paid_interest=20_000
    )
    a = r.allocate_payment(amount=200_000, penalty_due=0, installments=rows, on=date(2026, 1, 20))
    # Only installment 1 is due: its 150,000 of pokok; the 50,000 left pays ahead on installment 2.
    assert a.parts == (r.Part(1, 150_000, 0), r.Part(2, 30_000, 20_000))
    assert a.left == 0


def test_an_advance_pays_whole_next_installments_in_order():
    # Nothing due yet on 5 Jan: 600,000 pays installments 1 and 2 in full (jasa then pokok) and
    # 60,000 of installment 3 (its jasa first).
    a = r.allocate_payment(amount=600_000, penalty_due=0, installments=_loan(), on=date(2026, 1, 5))
    assert a.parts == (
        r.Part(1, 250_000, 20_000),
        r.Part(2, 250_000, 20_000),
        r.Part(3, 40_000, 20_000),
    )


def test_more_than_the_loan_owes_is_left_over():
    a = r.allocate_payment(
        amount=2_000_000, penalty_due=5_000, installments=_loan(), on=date(2026, 1, 5)
    )
    assert a.allocated == 5_000 + 4 * 270_000
    assert a.left == 2_000_000 - a.allocated


def test_dues_on_a_day():
    rows = _loan()
    rows[0] = r.Due(1, date(2026, 1, 10), 250_000, 20_000, 250_000, 20_000)  # settled
    d = r.dues(penalty_due=1_500, installments=rows, on=date(2026, 3, 10))
    assert (d.penalty, d.interest, d.principal, d.installments_due) == (1_500, 40_000, 500_000, 2)
    assert d.total == 541_500
    assert d.remaining == 1_500 + 3 * 270_000


def test_payoff_interest_to_date_charges_the_current_month_only():
    # On 15 Feb: installment 1 is paid, 2 is overdue (its jasa owed), 3 is the current month
    # (its jasa charged), 4's jasa is waived.
    rows = _loan()
    rows[0] = r.Due(1, date(2026, 1, 10), 250_000, 20_000, 250_000, 20_000)
    rows[1] = r.Due(2, date(2026, 2, 10), 250_000, 20_000, 0, 0)
    q = r.payoff_quote(
        penalty_due=2_000, installments=rows, on=date(2026, 2, 15), rule=r.INTEREST_TO_DATE
    )
    assert (q.penalty, q.interest, q.principal, q.waived_interest) == (
        2_000,
        40_000,
        750_000,
        20_000,
    )
    assert q.total == 792_000


def test_payoff_all_interest_charges_every_remaining_installment():
    q = r.payoff_quote(
        penalty_due=0, installments=_loan(), on=date(2026, 2, 15), rule=r.ALL_INTEREST
    )
    assert (q.interest, q.principal, q.waived_interest) == (80_000, 1_000_000, 0)


def test_payoff_after_the_last_due_date_waives_nothing():
    q = r.payoff_quote(
        penalty_due=0, installments=_loan(), on=date(2026, 6, 1), rule=r.INTEREST_TO_DATE
    )
    assert (q.interest, q.principal, q.waived_interest) == (80_000, 1_000_000, 0)


def test_payoff_counts_jasa_paid_ahead():
    rows = _loan()
    rows[2] = r.Due(3, date(2026, 3, 10), 250_000, 20_000, 0, 20_000)  # jasa paid ahead
    q = r.payoff_quote(
        penalty_due=0, installments=rows, on=date(2026, 1, 5), rule=r.INTEREST_TO_DATE
    )
    # Installment 1 is the current month (charged); 2 and 4 waived; 3's jasa is already paid.
    assert (q.interest, q.waived_interest, q.principal) == (20_000, 40_000, 1_000_000)


def test_unknown_payoff_rule():
    with pytest.raises(ValueError):
        r.payoff_quote(penalty_due=0, installments=_loan(), on=date(2026, 1, 1), rule="later")


def test_restructure_plan_keeps_what_was_paid_and_carries_jasa_due():
    rows = _loan()
    rows[0] = r.Due(1, date(2026, 1, 10), 250_000, 20_000, 250_000, 20_000)  # settled
    rows[1] = r.Due(2, date(2026, 2, 10), 250_000, 20_000, 50_000, 0)  # partly paid, overdue
    # Outstanding pokok 200,000 + 250,000 + 250,000 = 700,000; overdue jasa 20,000 carried.
    new = [(date(2026, 4, 1), 350_000, 10_000), (date(2026, 5, 1), 350_000, 5_000)]
    plan = r.restructure_plan(installments=rows, on=date(2026, 3, 1), new_schedule=new)
    assert plan.outstanding_principal == 700_000
    assert plan.kept == (r.Kept(number=2, principal=50_000, interest=0),)
    assert plan.removed == (3, 4)
    assert plan.carried_interest == 20_000
    assert plan.rows == (
        r.NewRow(3, date(2026, 4, 1), 350_000, 30_000),
        r.NewRow(4, date(2026, 5, 1), 350_000, 5_000),
    )


def test_restructure_plan_must_repay_the_outstanding_principal():
    with pytest.raises(ValueError):
        r.restructure_plan(
            installments=_loan(), on=date(2026, 1, 1), new_schedule=[(date(2026, 2, 1), 1, 0)]
        )


def test_receipt_text_has_the_words_and_the_parts():
    text = r.receipt_text(
        cooperative="Koperasi X",
        receipt="KWT-000007",
        when=date(2026, 2, 15),
        member="Siti",
        niak="001",
        loan="PJ-2026-0001",
        title="Angsuran pinjaman",
        amount=27_000,
        penalty=0,
        interest=20_000,
        principal=7_000,
        outstanding=993_000,
        journal="JU-1",
        short_hash="abc",
    )
    assert "Rp27.000" in text and "dua puluh tujuh ribu rupiah" in text
    assert "Jasa: Rp20.000" in text and "Denda" not in text


installment = st.builds(
    lambda n, p, i, pp, pi, day: r.Due(
        number=n,
        due_date=date(2026, 1, 1).replace(day=day),
        principal=p,
        interest=i,
        paid_principal=min(pp, p),
        paid_interest=min(pi, i),
    ),
    st.integers(1, 60),
    st.integers(0, 10**9),
    st.integers(0, 10**8),
    st.integers(0, 10**9),
    st.integers(0, 10**8),
    st.integers(1, 28),
)


def _unique(rows):
    seen = {}
    for row in rows:
        seen.setdefault(row.number, row)
    return list(seen.values())


@given(
    amount=st.integers(0, 10**10),
    penalty=st.integers(0, 10**7),
    rows=st.lists(installment, max_size=12).map(_unique),
    day=st.integers(1, 28),
    order=st.permutations(list(r.DEFAULT_ORDER)),
)
def test_parts_sum_to_the_amount_and_never_exceed_what_is_owed(amount, penalty, rows, day, order):
    a = r.allocate_payment(
        amount=amount, penalty_due=penalty, installments=rows, on=date(2026, 1, day), order=order
    )
    assert a.allocated + a.left == amount
    assert a.penalty + sum(p.interest + p.principal for p in a.parts) == a.allocated
    assert 0 <= a.penalty <= penalty
    by_number = {row.number: row for row in rows}
    for part in a.parts:
        row = by_number[part.number]
        assert 0 <= part.principal <= row.unpaid_principal
        assert 0 <= part.interest <= row.unpaid_interest
    owed = r.dues(penalty_due=penalty, installments=rows, on=date(2026, 1, day)).remaining
    assert a.allocated == min(amount, owed)
    assert a.left == max(0, amount - owed)


@given(
    penalty=st.integers(0, 10**7),
    rows=st.lists(installment, max_size=12).map(_unique),
    day=st.integers(1, 28),
    rule=st.sampled_from([r.INTEREST_TO_DATE, r.ALL_INTEREST]),
)
def test_payoff_quote_is_everything_but_waived_jasa(penalty, rows, day, rule):
    q = r.payoff_quote(penalty_due=penalty, installments=rows, on=date(2026, 1, day), rule=rule)
    remaining = r.dues(penalty_due=penalty, installments=rows, on=date(2026, 1, day)).remaining
    assert q.total + q.waived_interest == remaining
    assert q.principal == sum(row.unpaid_principal for row in rows)
    if rule == r.ALL_INTEREST:
        assert q.waived_interest == 0
