"""The fund-use report as of a day (kopdes.funding.report): receipts and uses dated after it are
left out, and so is a fund that came after it; the workbook lists the same uses."""

import io
from datetime import date

from kopdes.funding import report, services
from kopdes.funding.tests.factories import D, make_source, spend

LATER = date(2026, 3, 20)


def test_the_report_as_of_a_day_leaves_out_what_came_later(place_a):
    from openpyxl import load_workbook

    coop = place_a.cooperative
    source = make_source(place_a, amount=20_000_000)
    services.fund_receive(actor=place_a.bendahara, source=source, amount=10_000_000, on=D)
    services.fund_receive(actor=place_a.bendahara, source=source, amount=5_000_000, on=LATER)
    spend(place_a, source, 1_000_000, line="sembako", on=D)
    spend(place_a, source, 2_000_000, line="lpg", on=LATER)

    before = report.fund_use_report(coop, date(2026, 3, 10))
    [row] = before.rows
    assert (row.received, row.spent, row.balance, row.use_count) == (
        10_000_000,
        1_000_000,
        9_000_000,
        1,
    )
    assert [(u.line, u.amount) for u in row.by_line] == [("sembako", 1_000_000)]
    assert [u.amount for u in before.details[0][1]] == [1_000_000]
    [partner] = before.partners
    assert (partner.received, partner.spent) == (10_000_000, 1_000_000)
    assert (before.received, before.spent, before.balance) == (10_000_000, 1_000_000, 9_000_000)
    book = load_workbook(io.BytesIO(report.fund_use_report_xlsx(before)))
    assert [r[5] for r in book["Rincian"].iter_rows(min_row=2, values_only=True)] == [1_000_000]

    after = report.fund_use_report(coop, LATER)
    assert (after.received, after.spent, after.balance) == (15_000_000, 3_000_000, 12_000_000)
    assert [u.amount for u in after.details[0][1]] == [1_000_000, 2_000_000]

    # Agreed on D, nothing received or used before it: not in the report of the day before.
    assert report.fund_use_report(coop, date(2026, 3, 1)).rows == []
