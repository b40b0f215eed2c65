"""The statement pages: access, periods, numbers on the page, and the PDF and Excel downloads."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from kopdes.ledger import services

pytestmark = pytest.mark.django_db

STATEMENTS = [
    "trial_balance",
    "balance_sheet",
    "income_statement",
    "equity_changes",
    "cash_flow",
    "financial_notes",
]
MARCH = "?tahun=2026&bulan=3"


def url(name, coop, code=None):
    args = [coop.public_id] + ([code] if code else [])
    return reverse(f"web:{name}", args=args)


def every_url(coop):
    return [url("statements", coop), url("general_ledger", coop, "1-102")] + [
        url(name, coop) for name in STATEMENTS
    ]


@pytest.fixture
def books(place_a):
    coop = place_a.cooperative
    for day, event, key, amounts in [
        (date(2026, 2, 2), "capital.csr_received", "", {"amount": 100_000_000}),
        (date(2026, 3, 3), "cash.bank_withdrawal", "", {"amount": 2_000_000}),
        (date(2026, 3, 4), "expense.cash", "5-201", {"amount": 1_250_000}),
    ]:
        services.post_event(
            cooperative=coop, event=event, key=key, amounts=amounts, date=day, memo=event
        )
    return place_a


def test_paths_are_indonesian(coop_a):
    base = f"/app/{coop_a.public_id}/laporan/"
    assert url("statements", coop_a) == base
    assert url("trial_balance", coop_a) == base + "neraca-saldo/"
    assert url("general_ledger", coop_a, "1-102") == base + "buku-besar/1-102/"
    assert url("balance_sheet", coop_a) == base + "posisi-keuangan/"
    assert url("income_statement", coop_a) == base + "hasil-usaha/"
    assert url("equity_changes", coop_a) == base + "perubahan-ekuitas/"
    assert url("cash_flow", coop_a) == base + "arus-kas/"
    assert url("financial_notes", coop_a) == base + "catatan/"


@pytest.mark.parametrize("who", ["ketua", "bendahara", "pengawas", "kepala_desa", "dinas"])
def test_officers_and_supervisors_read_every_statement(client, books, dinas, who):
    person = dinas if who == "dinas" else books.people[who]
    client.force_login(person)
    for target in every_url(books.cooperative):
        response = client.get(target + MARCH)
        assert response.status_code == 200, target


@pytest.mark.parametrize("who", ["anggota", "kasir"])
def test_members_and_cashiers_get_404(client, books, who):
    client.force_login(books.people[who])
    for target in every_url(books.cooperative):
        assert client.get(target + MARCH).status_code == 404, target
        assert client.get(target + MARCH + "&format=pdf").status_code == 404, target


def test_cross_tenant_statements_are_404(
    client, cross_tenant, books, place_b, camat_balaraja, csr_a
):
    coop_b = place_b.cooperative
    for target in every_url(coop_b):
        for person in (books.ketua, books.bendahara, camat_balaraja, csr_a):
            cross_tenant(client, person, target + MARCH)
            cross_tenant(client, person, target + MARCH + "&format=xlsx")


def test_anonymous_is_sent_to_login(client, coop_a):
    response = client.get(url("trial_balance", coop_a))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_unknown_account_is_404(client, books):
    client.force_login(books.ketua)
    assert client.get(url("general_ledger", books.cooperative, "9-999")).status_code == 404


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?tahun=abc", "tahun"),
        ("?tahun=2026&bulan=13", "bulan"),
        ("?tahun=2026&triwulan=5", "triwulan"),
        ("?tahun=2026&bulan=3&triwulan=1", "not both"),
        ("?bulan=3", "year"),
        ("?tahun=2026&bulan=3&sampai=2026-04-02", "inside"),
        ("?tahun=2026&bulan=3&sampai=kemarin", "YYYY-MM-DD"),
        (MARCH + "&format=docx", "pdf or xlsx"),
        (MARCH + "&halaman=x", "halaman"),
    ],
)
def test_bad_query_is_a_clear_400(client, books, query, fragment):
    # The person's own language wins over the browser's: this bendahara reads English.
    books.bendahara.language = "en"
    books.bendahara.save(update_fields=["language"])
    client.force_login(books.bendahara)
    name = "general_ledger" if "halaman" in query else "trial_balance"
    target = url(name, books.cooperative, "1-102" if name == "general_ledger" else None)
    response = client.get(target + query)
    assert response.status_code == 400
    assert fragment in response.content.decode()


def test_trial_balance_page_shows_rupiah_and_status(client, books):
    client.force_login(books.bendahara)
    page = client.get(url("trial_balance", books.cooperative) + MARCH).content.decode()
    assert "Neraca Saldo" in page
    assert "Rp98.000.000" in page  # the bank after the withdrawal
    assert "Rp1.250.000" in page
    assert "check-ok" in page and "check-fail" not in page
    assert url("general_ledger", books.cooperative, "1-102") + "?tahun=2026&amp;bulan=3" in page


def test_balance_sheet_shows_negative_shu_with_a_minus(client, books):
    client.force_login(books.ketua)
    page = client.get(url("balance_sheet", books.cooperative) + MARCH).content.decode()
    assert "Defisit tahun berjalan" in page and "-Rp1.250.000" in page
    assert "31 Maret 2026" in page and "28 Februari 2026" in page


def test_general_ledger_pages(client, books):
    coop = books.cooperative
    for i in range(3):
        services.post_event(
            cooperative=coop,
            event="expense.cash",
            key="5-203",
            amounts={"amount": 1_000 + i},
            date=date(2026, 3, 10 + i),
            memo=f"Listrik {i}",
        )
    client.force_login(books.bendahara)
    first = client.get(url("general_ledger", coop, "1-101-01") + MARCH).content.decode()
    assert "Saldo awal" in first and "Listrik 2" in first
    assert (
        client.get(url("general_ledger", coop, "1-101-01") + MARCH + "&halaman=9").status_code
        == 200
    )


def test_quarter_year_and_mid_month_periods(client, books):
    client.force_login(books.ketua)
    coop = books.cooperative
    quarter = client.get(url("income_statement", coop) + "?tahun=2026&triwulan=1").content.decode()
    assert "Triwulan I 2026" in quarter and "Triwulan IV 2025" in quarter
    year = client.get(url("cash_flow", coop) + "?tahun=2026").content.decode()
    assert "Tahun 2026" in year and "Rp100.000.000" in year
    cut = client.get(url("balance_sheet", coop) + MARCH + "&sampai=2026-03-03").content.decode()
    assert "3 Maret 2026" in cut and "3 Februari 2026" in cut
    assert client.get(url("statements", coop)).status_code == 200  # the current month


def test_index_jumps_to_the_ledger_of_an_account(client, books):
    client.force_login(books.ketua)
    coop = books.cooperative
    response = client.get(url("statements", coop) + MARCH + "&akun=1-102")
    assert response.status_code == 302
    assert response["Location"] == url("general_ledger", coop, "1-102") + "?tahun=2026&bulan=3"
    assert client.get(url("statements", coop) + MARCH + "&akun=9-999").status_code == 400


@pytest.mark.parametrize("name", [*STATEMENTS, "general_ledger"])
def test_downloads(client, books, name):
    import openpyxl

    client.force_login(books.bendahara)
    coop = books.cooperative
    target = url(name, coop, "1-101-01" if name == "general_ledger" else None) + MARCH
    pdf = client.get(target + "&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(target + "&format=xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    assert sheet["A1"].value == coop.name
    numbers = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int)]
    assert numbers and all(type(n) is int for n in numbers)


def test_pdf_carries_the_signature_block(client, books, monkeypatch):
    from kopdes.core import pdf

    captured = {}
    original = pdf.render_pdf

    def spy(html):
        captured["html"] = html
        return original(html)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    client.force_login(books.ketua)
    client.get(url("balance_sheet", books.cooperative) + MARCH + "&format=pdf")
    html = captured["html"]
    assert "Laporan Posisi Keuangan" in html and "per 31 Maret 2026" in html
    assert "Ketua" in html and "Bendahara" in html
    assert books.ketua.full_name in html and books.bendahara.full_name in html
    assert "Cangkudu" in html


@pytest.mark.parametrize("year", ["\u0662\u0660\u0662\u0666", "\uff12\uff10\uff12\uff16"])
def test_a_year_in_other_digits_is_a_clear_400(client, books, year):
    """str.isdigit() takes Arabic-Indic and full-width digits; the query takes 0-9 only."""
    client.force_login(books.bendahara)
    response = client.get(url("trial_balance", books.cooperative) + f"?tahun={year}")
    assert response.status_code == 400


def test_the_notes_page_follows_the_period_and_names_nobody(client, books):
    """Catatan atas Laporan Keuangan: the chosen period in its headings, the savings reconciled,
    the officers as related parties by role only, loans "belum ada" because there are none."""
    from kopdes.savings import services as savings_services
    from kopdes.savings.tests.factories import make_member

    coop = books.cooperative
    ketua = make_member(coop, name=books.ketua.full_name, user=books.ketua)
    savings_services.savings_deposit(
        actor=None,
        cooperative=coop,
        member=ketua,
        kind="wajib",
        amount=20_000,
        on=date(2026, 3, 5),
    )
    client.force_login(books.pengawas)
    page = client.get(url("financial_notes", coop) + "?tahun=2026&sampai=2026-03-31")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Catatan atas Laporan Keuangan" in text
    assert "Setoran Januari s.d. Maret 2026" in text and "Saldo 31 Maret 2026" in text
    assert "Pihak berelasi" in text and "Pengurus" in text and "Pengawas" in text
    assert "Belum ada: sampai 31 Maret 2026 koperasi belum mencatat pinjaman" in text
    assert "✘" not in text  # every check holds
    for person in books.people.values():  # the viewer's own name is in the page's header
        assert person == books.pengawas or person.full_name not in text
        assert str(person.phone)[-6:] not in text
    index = client.get(url("statements", coop) + MARCH).content.decode()
    assert url("financial_notes", coop) in index
