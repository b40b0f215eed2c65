"""The health assessment page (`/pantau/<id>/kesehatan/`): the Dinas examiner assesses and fills
the questionnaire; the Kejaksaan and the cooperative's officers read; others get 404."""

import pytest
from django.urls import reverse

from kopdes import testing
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import Assessment, ManagementAnswers


@pytest.fixture
def closed_2025(place_a):
    testing.close_shu_books(place_a, make_member(place_a.cooperative))
    return place_a.cooperative


def _url(coop, name="health"):
    return reverse(f"web:{name}", args=[coop.public_id])


def test_the_dinas_assesses_fills_the_questionnaire_and_assesses_again(
    client, closed_2025, examiner
):
    client.force_login(examiner)
    page = client.get(_url(closed_2025)).content.decode()
    assert "Nilai ulang" in page and "kuesioner_m1" in page
    response = client.post(_url(closed_2025), {"year": "2025"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assessment = Assessment.objects.get(cooperative=closed_2025, is_current=True)
    assert assessment.get_predicate_display() in page
    assert "modal sendiri Rp1.100.000 / total aset Rp1.100.000" in page
    assert "kuesioner belum diisi" in page

    answers = {"year": "2025", "m1": "on", "m2": "on"}
    response = client.post(_url(closed_2025, "health_questionnaire"), answers)
    assert response.status_code == 302
    assert ManagementAnswers.objects.get(cooperative=closed_2025, year=2025).answers["m1"] is True
    client.post(_url(closed_2025), {"year": "2025"})
    assert Assessment.objects.filter(cooperative=closed_2025, year=2025).count() == 2
    page = client.get(_url(closed_2025)).content.decode()
    assert "2 dari 10 jawaban ya" in page


def test_a_year_not_closed_is_refused_on_the_form(client, place_a, examiner):
    client.force_login(examiner)
    response = client.post(_url(place_a.cooperative), {"year": "2025"})
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_read_only_supervisors_and_the_officers_read_without_forms(
    client, closed_2025, place_a, kejaksaan, dinas, examiner
):
    from kopdes.supervision.services import health_assess

    health_assess(actor=examiner, cooperative=closed_2025, year=2025)
    for reader in (dinas, kejaksaan, place_a.ketua, place_a.pengawas):  # dinas: read-only grant
        client.force_login(reader)
        page = client.get(_url(closed_2025)).content.decode()
        assert "Jatidiri Koperasi" in page and "Nilai ulang" not in page
        assert client.post(_url(closed_2025), {"year": "2025"}).status_code == 404
        assert client.get(_url(closed_2025, "health_questionnaire")).status_code == 404
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("who", ["camat_balaraja", "csr_a", "outsider"])
def test_outside_the_scope_is_404(request, client, place_b, who, cross_tenant):
    person = request.getfixturevalue(who)
    cross_tenant(client, person, _url(place_b.cooperative))
    cross_tenant(client, person, _url(place_b.cooperative), method="post", data={"year": "2025"})


def test_the_kasir_and_the_anggota_do_not_see_it(client, place_a, cross_tenant):
    for person in (place_a.kasir, place_a.anggota):
        cross_tenant(client, person, _url(place_a.cooperative))


def test_the_profile_links_to_the_health_page_for_those_who_may_read_it(client, place_a, kejaksaan):
    link = _url(place_a.cooperative)
    for reader in (kejaksaan, place_a.ketua):
        client.force_login(reader)
        page = client.get(reverse("web:cooperative", args=[place_a.cooperative.public_id]))
        assert link in page.content.decode()
    client.force_login(place_a.kasir)
    page = client.get(reverse("web:cooperative", args=[place_a.cooperative.public_id]))
    assert link not in page.content.decode()


def test_the_method_page_shows_the_bands_and_the_examiner_saves_a_new_version(
    client, examiner, dinas
):
    import json

    from kopdes.supervision.methods import RATIO_METHOD
    from kopdes.supervision.models import HealthMethod

    url = reverse("web:health_method")
    client.force_login(dinas)  # read-only: reads, no form, a POST is 404
    page = client.get(url).content.decode()
    assert "Kualitas Aktiva Produktif" in page and "10\u2013&lt; 15 %: 100" in page
    assert 'name="rules"' not in page
    assert client.post(url, {"rules": "{}", "note": "x"}).status_code == 404

    client.force_login(examiner)
    assert 'name="rules"' in client.get(url).content.decode()
    bad = client.post(url, {"rules": json.dumps({"aspects": []}), "note": "uji"})
    assert bad.status_code == 400 and "harus 100" in bad.content.decode()
    assert client.post(url, {"rules": "{not json", "note": "uji"}).status_code == 400
    changed = json.loads(json.dumps(RATIO_METHOD))
    changed["aspects"][0]["components"][0]["bands"][0]["score"] = 0
    response = client.post(url, {"rules": json.dumps(changed), "note": "Tabel Perdep"})
    assert response.status_code == 302
    assert HealthMethod.objects.filter(kind="ratio").order_by("-version").first().version == 2


def test_the_beranda_shows_the_latest_predicate_to_the_officers(
    client, closed_2025, place_a, examiner
):
    from kopdes.supervision.services import health_assess

    home = reverse("web:cooperative_home", args=[closed_2025.public_id])
    client.force_login(place_a.ketua)
    assert "Belum dinilai" in client.get(home).content.decode()
    assessment = health_assess(actor=examiner, cooperative=closed_2025, year=2025)
    page = client.get(home).content.decode()
    assert assessment.get_predicate_display() in page and _url(closed_2025) in page
    client.force_login(place_a.kasir)
    assert _url(closed_2025) not in client.get(home).content.decode()
