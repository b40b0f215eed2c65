"""One date format: `1 Des 2026` in Indonesian, `1 Dec 2026` in English, `1 Des 2026 14.05`
with the time (kopdes/formats); forms still take yyyy-mm-dd first."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import formats, translation

from kopdes.ledger import services
from kopdes.ledger.services import Line

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("id", "1 Des 2026", "1 Des 2026 14.05"), ("en", "1 Dec 2026", "1 Dec 2026 14:05")],
)
def test_the_format_module(language, day, moment):
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 1)) == day
        assert formats.date_format(date(2026, 12, 1), "SHORT_DATE_FORMAT") == day
        assert (
            formats.date_format(datetime(2026, 12, 1, 14, 5, tzinfo=JAKARTA), "DATETIME_FORMAT")
            == moment
        )
        assert formats.localize(date(2026, 12, 1)) == day
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        field = forms.DateField()
        assert field.clean("2026-12-01") == date(2026, 12, 1)
        assert forms.DateInput().format_value(date(2026, 12, 1)) == "2026-12-01"


@pytest.fixture
def entry(place_a):
    return services.journal_entry_post(
        cooperative=place_a.cooperative,
        date=date(2025, 12, 1),
        memo="Jasa administrasi",
        lines=[Line("1-102", debit=400_000), Line("4-301", credit=400_000)],
        source_kind="manual",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("id", "1 Des 2025"), ("en", "1 Dec 2025")])
def test_a_page_writes_the_date_one_way(client, place_a, entry, language, text):
    place_a.bendahara.language = language
    place_a.bendahara.save(update_fields=["language"])
    client.force_login(place_a.bendahara)
    client.cookies["django_language"] = language
    coop = place_a.cooperative
    page = client.get(reverse("web:journal_entry", args=[coop.public_id, entry.public_id]))
    assert text in page.content.decode()
    journal = client.get(reverse("web:journal", args=[coop.public_id]))
    assert text in journal.content.decode()
    assert "01-12-2025" not in journal.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("id", "1 Des 2026"), ("en", "1 Dec 2026")])
def test_a_pdf_writes_the_date_one_way(client, place_a, entry, monkeypatch, language, text):
    from kopdes.core import pdf

    captured = []
    original = pdf.render_pdf

    def spy(html):
        captured.append(html)
        return original(html)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    place_a.bendahara.language = language
    place_a.bendahara.save(update_fields=["language"])
    client.force_login(place_a.bendahara)
    client.cookies["django_language"] = language
    coop = place_a.cooperative
    ledger = reverse("web:general_ledger", args=[coop.public_id, "1-102"])
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA), tick=False):
        response = client.get(ledger + "?tahun=2025&bulan=12&format=pdf")
    assert response.status_code == 200
    html = captured[-1]
    assert f"Cangkudu, {text}" in html  # the signature line's date
    assert text.replace("2026", "2025") in html  # the entry's date in the ledger's rows


@pytest.mark.django_db
def test_excel_keeps_real_date_cells(client, place_a, entry):
    from io import BytesIO

    import openpyxl

    client.force_login(place_a.bendahara)
    coop = place_a.cooperative
    ledger = reverse("web:general_ledger", args=[coop.public_id, "1-102"])
    response = client.get(ledger + "?tahun=2025&bulan=12&format=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    dates = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, datetime)]
    assert [c.value.date() for c in dates] == [date(2025, 12, 1)]
    assert dates[0].number_format == "d mmm yyyy"
