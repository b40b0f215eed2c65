"""The early-warning pages: the list in scope (`/pantau/peringatan/`), a cooperative's list, a
warning's page with the examiner's follow-up and the history, the thresholds page; 404 outside
the scope, nothing for a CSR partner."""

from datetime import date

import pytest
from django.urls import reverse

from kopdes import testing
from kopdes.savings import services as savings
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import EarlyWarning, WarningThresholds
from kopdes.supervision.services import warnings_scan


@pytest.fixture
def cash_warning(place_a, place_b):
    for place in (place_a, place_b):
        savings.savings_deposit(
            actor=None,
            cooperative=place.cooperative,
            member=make_member(place.cooperative),
            kind="sukarela",
            amount=25_000_000,
            on=date(2026, 3, 2),
        )
        warnings_scan(actor=None, cooperatives=[place.cooperative], on=date(2026, 3, 20))
    return EarlyWarning.objects.get(cooperative=place_a.cooperative, kind="cash_above_limit")


def _detail(w):
    return reverse("web:warning_detail", args=[w.cooperative.public_id, w.public_id])


def test_the_list_in_scope_with_labels_and_filters(client, cash_warning, place_b, camat_balaraja):
    client.force_login(camat_balaraja)  # Balaraja only: place A, not place B (Teluknaga)
    page = client.get(reverse("web:warnings")).content.decode()
    assert "Kas di tangan melebihi batas" in page or "Cash held above the limit" in page
    assert "cash_above_limit" not in page.replace('value="cash_above_limit"', "")
    assert place_b.cooperative.name not in page.split("<tbody>")[1]
    filtered = client.get(reverse("web:warnings"), {"jenis": "rat_overdue"}).content.decode()
    assert _detail(cash_warning) not in filtered
    assert _detail(cash_warning) in page


def test_a_csr_partner_sees_no_warnings(client, cash_warning, csr_a):
    client.force_login(csr_a)
    page = client.get(reverse("web:warnings")).content.decode()
    assert _detail(cash_warning) not in page
    url = reverse("web:cooperative_warnings", args=[cash_warning.cooperative.public_id])
    assert client.get(url).status_code == 404
    assert client.get(_detail(cash_warning)).status_code == 404


def test_the_officers_read_their_own_and_not_follow_up(client, cash_warning, place_a, place_b):
    client.force_login(place_a.ketua)
    url = reverse("web:cooperative_warnings", args=[place_a.cooperative.public_id])
    assert _detail(cash_warning) in client.get(url).content.decode()
    page = client.get(_detail(cash_warning)).content.decode()
    assert "/laporan/neraca-saldo/" in page and 'name="action"' not in page
    assert client.post(_detail(cash_warning), {"action": "acknowledge"}).status_code == 404
    client.force_login(place_b.ketua)
    assert client.get(_detail(cash_warning)).status_code == 404
    other = reverse(
        "web:warning_detail", args=[place_b.cooperative.public_id, cash_warning.public_id]
    )
    assert client.get(other).status_code == 404


def test_the_examiner_follows_up_and_the_history_shows_it(client, cash_warning, examiner):
    client.force_login(examiner)
    response = client.post(_detail(cash_warning), {"action": "resolve", "note": ""})
    assert response.status_code == 400
    assert client.post(_detail(cash_warning), {"action": "acknowledge"}).status_code == 302
    response = client.post(_detail(cash_warning), {"action": "resolve", "note": "Disetor."})
    assert response.status_code == 302
    cash_warning.refresh_from_db()
    assert cash_warning.state == "resolved"
    page = client.get(_detail(cash_warning)).content.decode()
    assert "Disetor." in page and 'name="action"' not in page
    assert page.count("<tr>") >= 4  # raised, acknowledged, resolved + the header


def test_the_thresholds_page(client, place_a, examiner, kejaksaan):
    client.force_login(kejaksaan)
    page = client.get(reverse("web:warning_thresholds")).content.decode()
    assert "Rp20.000.000" in page and 'name="scope"' not in page
    assert client.post(reverse("web:warning_thresholds"), {"scope": ""}).status_code == 404
    client.force_login(examiner)
    kecamatan = place_a.cooperative.village.district_id
    response = client.post(
        reverse("web:warning_thresholds"),
        {"scope": kecamatan, "cash_limit": "30.000.000", "note": "Pasar besar"},
    )
    assert response.status_code == 302
    row = WarningThresholds.objects.get(scope=kecamatan)
    assert row.values == {"cash_limit": 30_000_000} and row.version == 1
    bad = client.post(
        reverse("web:warning_thresholds"),
        {"scope": kecamatan, "office_open_hour": "20", "office_close_hour": "8"},
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("web:warning_thresholds"), {"scope": "semua", "cash_limit": "25000000"}
    )
    assert response.status_code == 302
    default = WarningThresholds.objects.filter(scope="").order_by("-version").first()
    assert default.version == 2 and default.values["cash_limit"] == 25_000_000
    assert default.values["rat_months"] == 6


def test_nobody_signed_in_is_sent_to_login(client, db):
    assert client.get(reverse("web:warnings")).status_code == 302


def test_a_person_with_no_scope_gets_an_empty_list(client, cash_warning):
    client.force_login(testing.make_person(full_name="Warga Biasa"))
    response = client.get(reverse("web:warnings"))
    assert response.status_code == 200 and _detail(cash_warning) not in response.content.decode()
