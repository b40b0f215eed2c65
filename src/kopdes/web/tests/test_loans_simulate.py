"""The loan simulation pages: public at /simulasi-pinjaman/, and a cooperative's own (prefilled
from one of its products); one view code, one form, the engine's schedule."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kopdes.loans.models import LoanProduct
from kopdes.loans.schedule import schedule

pytestmark = pytest.mark.django_db

PUBLIC = "/simulasi-pinjaman/"
TERMS = {
    "principal": "10.000.000",
    "annual_rate": "12",
    "months": "12",
    "method": "flat",
    "grace_months": "0",
    "start": "2026-03-15",
}


def staff_url(coop):
    return reverse("web:loans_simulate", args=[coop.public_id])


def cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_public_page_needs_no_login_and_shows_the_engines_schedule(client):
    assert reverse("web:loans_simulate_public") == PUBLIC
    page = client.get(PUBLIC)
    assert page.status_code == 200
    assert 'name="principal"' in page.content.decode()
    answer = client.post(PUBLIC, TERMS)
    assert answer.status_code == 200
    html = answer.content.decode()
    rows = schedule(
        principal=10_000_000,
        annual_rate=Decimal(12),
        months=12,
        method="flat",
        start=date(2026, 3, 15),
    )
    shown = cells(html)
    assert len(shown) == 12
    assert shown[0] == ["1", "15 Apr 2026", "Rp833.333", "Rp100.000", "Rp933.333", "Rp9.166.667"]
    assert [s[4] for s in shown] == [f"Rp{r.installment:,}".replace(",", ".") for r in rows]
    assert (
        "Bunga flat 12% setahun dihitung setiap bulan dari seluruh jumlah pinjaman, walaupun "
        "pinjaman makin berkurang, sehingga biayanya sama dengan bunga efektif 21,46% setahun."
    ) in html


def test_the_effective_rate_sentence_is_for_flat_loans_only(client):
    html = client.post(PUBLIC, TERMS | {"method": "anuitas"}).content.decode()
    assert "bunga efektif" not in html and len(cells(html)) == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("annual_rate", "25"),
        ("annual_rate", "dua"),
        ("months", "0"),
        ("grace_months", "12"),
        ("principal", "0"),
        ("principal", "1,5"),
    ],
)
def test_refused_terms_show_on_their_field(client, field, value):
    answer = client.post(PUBLIC, TERMS | {field: value})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html)
    assert "<tbody>" not in html


def test_a_rate_with_a_comma_is_read_as_people_write_it(client):
    html = client.post(PUBLIC, TERMS | {"annual_rate": "12,5", "method": "efektif"}).content
    assert cells(html.decode())[0][3] == "Rp104.167"  # 10.000.000 x 12,5% / 12


def test_the_public_page_is_throttled_per_address(client, settings):
    settings.KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT = 2
    statuses = [client.post(PUBLIC, TERMS).status_code for _ in range(3)]
    assert statuses == [200, 200, 400]
    refused = client.post(PUBLIC, TERMS).content.decode()
    assert "Terlalu banyak percobaan" in refused


def test_the_staff_page_fills_in_a_product(client, place_a):
    coop = place_a.cooperative
    LoanProduct.objects.create(
        cooperative=coop,
        name="Pinjaman musiman",
        method="anuitas",
        annual_rate=Decimal("15.50"),
        tenor_min=18,
        tenor_max=36,
        max_amount=20_000_000,
    )
    product = LoanProduct.objects.create(
        cooperative=coop,
        name="Pinjaman warung",
        method="efektif",
        annual_rate=Decimal("18"),
        tenor_min=3,
        tenor_max=10,
        max_amount=5_000_000,
    )
    client.force_login(place_a.kasir)
    html = client.get(staff_url(coop), {"produk": str(product.public_id)}).content.decode()
    assert "Pinjaman musiman" in html and "Pinjaman warung" in html
    assert re.search(r'name="annual_rate" value="18(\.00)?"', html)
    assert re.search(r'<option value="efektif" selected>', html)
    assert re.search(r'name="months" value="10"', html)  # 12 months clamped to the product's range
    answer = client.post(
        staff_url(coop) + f"?produk={product.public_id}", TERMS | {"method": "efektif"}
    )
    assert answer.status_code == 200 and len(cells(answer.content.decode())) == 12


def test_the_staff_page_is_for_those_who_see_loans(client, place_a, place_b):
    client.force_login(place_a.kasir)
    assert client.get(staff_url(place_b.cooperative)).status_code == 404
    assert client.get(staff_url(place_a.cooperative)).status_code == 200
    assert Client().get(staff_url(place_a.cooperative)).status_code == 302  # to the login


def test_the_landing_page_links_to_the_simulation(client):
    assert f'href="{PUBLIC}"' in client.get("/").content.decode()
