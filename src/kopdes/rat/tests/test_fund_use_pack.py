"""The documents pack holds the fund-use report as of the fiscal year's last day when the
cooperative has a funding source, and no such document when it has none."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from kopdes import testing
from kopdes.core import clock
from kopdes.funding import report
from kopdes.funding.tests.factories import spend
from kopdes.rat import services
from kopdes.rat.models import MeetingDocument
from kopdes.rat.tests.test_shu_and_pack import _meeting
from kopdes.savings.tests.factories import make_member

JAKARTA = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 3, 1, 9, tzinfo=JAKARTA)
DAY = datetime(2026, 3, 20, 10, tzinfo=JAKARTA)


def _pack(place):
    meeting = _meeting(place, fiscal_year=2025, at=AT, day=DAY)
    with clock.as_of(AT):
        return services.documents_generate(actor=place.sekretaris, meeting=meeting)


def test_the_pack_holds_the_fund_use_report_of_the_year(place_a, monkeypatch):
    printed = []
    pdf = report.fund_use_report_pdf
    monkeypatch.setattr(report, "fund_use_report_pdf", lambda r: printed.append(r) or pdf(r))
    funding = testing.make_funding(place_a, on=date(2025, 6, 2))  # a CSR grant with one use
    testing.close_shu_books(place_a, make_member(place_a.cooperative), year=2025)
    spend(place_a, funding.source, 1_000_000, on=date(2026, 2, 2))  # after the year
    with translation.override("en"):  # an officer reading in English: the pack stays Indonesian
        made = _pack(place_a)
    [document] = [d for d in made if d.kind == MeetingDocument.Kind.FUND_USE]
    [year] = printed
    assert (year.on, year.received, year.spent) == (date(2025, 12, 31), 100_000_000, 4_500_000)
    [(_row, [use])] = year.details
    assert use.line_text == "Sembako"
    assert document.title == "Laporan Penggunaan Dana s.d. 31 Desember 2025"
    assert document.generated and len(document.sha256) == 64
    with document.file.open("rb") as file:
        assert file.read(4) == b"%PDF"


def test_no_fund_use_report_without_a_funding_source(place_a):
    testing.close_shu_books(place_a, make_member(place_a.cooperative), year=2025)
    kinds = [d.kind for d in _pack(place_a)]
    assert kinds and MeetingDocument.Kind.FUND_USE not in kinds
