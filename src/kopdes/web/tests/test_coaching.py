"""The coaching pages (`/pantau/pembinaan/`, `/app/<id>/pembinaan/...`): the Dinas examiner
plans and records, the cooperative's officers read and follow up their own findings, the
supervisors in scope read, CSR partners and other cooperatives get 404."""

from datetime import timedelta

import pytest
from django.urls import reverse

from kopdes.core import clock
from kopdes.supervision.models import (
    CoachingStatus,
    Finding,
    FindingFollowUp,
    MentoringVisit,
    TrainingSession,
)
from kopdes.supervision.tests.factories import make_coaching


@pytest.fixture
def coached(coop_a):
    return make_coaching(coop_a)


def _url(name, coop, *ids):
    return reverse(f"web:{name}", args=[coop.public_id, *ids])


def test_the_examiner_plans_a_visit_records_it_and_raises_a_finding(client, coop_a, examiner):
    client.force_login(examiner)
    assert client.get(_url("coaching", coop_a)).status_code == 200
    today = clock.today().isoformat()
    response = client.post(
        _url("coaching", coop_a),
        {"planned_on": today, "topics": "Kas dan bank", "visitors": "Tim Dinas"},
    )
    assert response.status_code == 302
    visit = MentoringVisit.objects.get(cooperative=coop_a)
    page = client.get(_url("coaching_visit", coop_a, visit.public_id)).content.decode()
    assert "Kas dan bank" in page and 'name="notes"' in page
    response = client.post(
        _url("coaching_visit", coop_a, visit.public_id),
        {"done_on": today, "notes": "Kas dihitung bersama", "topics": "", "visitors": ""},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == CoachingStatus.HELD and visit.topics == "Kas dan bank"
    form = client.get(_url("coaching_finding_new", coop_a) + f"?kunjungan={visit.public_id}")
    assert form.status_code == 200
    response = client.post(
        _url("coaching_finding_new", coop_a),
        {
            "title": "Kas melebihi batas",
            "recommendation": "Setor ke bank",
            "owner_role": "bendahara",
            "owner_name": "",
            "deadline": (clock.today() + timedelta(days=10)).isoformat(),
            "visit": str(visit.public_id),
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(cooperative=coop_a)
    assert finding.visit == visit
    page = client.get(response["Location"]).content.decode()
    assert "Kas melebihi batas" in page and "bendahara" in page.lower()


def test_a_bad_finding_is_refused_on_the_form(client, coop_a, examiner):
    client.force_login(examiner)
    response = client.post(
        _url("coaching_finding_new", coop_a),
        {
            "title": "X",
            "recommendation": "Y",
            "owner_role": "",
            "owner_name": "",
            "deadline": clock.today().isoformat(),
            "visit": "",
        },
    )
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_officers_follow_up_their_findings_and_the_dinas_closes(client, place_a, coached, examiner):
    coop = place_a.cooperative
    finding = coached.finding
    client.force_login(place_a.bendahara)
    page = client.get(_url("coaching", coop)).content.decode()
    assert finding.title in page and 'name="topics"' not in page  # no plan form
    url = _url("coaching_finding", coop, finding.public_id)
    response = client.post(url, {"on": clock.today().isoformat(), "note": "Sudah disetor"})
    assert response.status_code == 302
    assert FindingFollowUp.objects.filter(note="Sudah disetor", side="cooperative").exists()
    assert client.post(_url("coaching_finding_close", coop, finding.public_id)).status_code == 404
    client.force_login(examiner)
    response = client.post(
        _url("coaching_finding_close", coop, finding.public_id),
        {"on": clock.today().isoformat(), "note": "Tuntas"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    page = client.get(url).content.decode()
    assert 'name="note"' not in page  # closed: no more follow-up


def test_overdue_findings_are_shown_and_filtered(client, coop_a, coop_b, coached, examiner):
    from kopdes.supervision import coaching

    past = clock.today() - timedelta(days=30)
    coaching.finding_raise(
        actor=None,
        cooperative=coop_b,
        title="Laporan bulanan terlambat",
        recommendation="Kirim laporan",
        owner_name="Pak Budi",
        raised_on=past,
        deadline=past + timedelta(days=5),
    )
    client.force_login(examiner)
    url = reverse("web:coaching_overview")
    page = client.get(url).content.decode()
    assert coached.finding.title in page and "Laporan bulanan terlambat" in page
    assert "badge-danger" in page
    page = client.get(url + "?action=terlambat").content.decode()
    assert "Laporan bulanan terlambat" in page and coached.finding.title not in page
    page = client.get(url + f"?kecamatan={coop_a.village.district_id}").content.decode()
    assert "Laporan bulanan terlambat" not in page
    assert client.get(url + "?action=ditutup").status_code == 200


def test_the_examiner_plans_a_training_for_a_kecamatan(client, coop_a, coop_b, examiner):
    client.force_login(examiner)
    url = reverse("web:coaching_training_new")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Pelatihan RAT",
            "planned_on": clock.today().isoformat(),
            "place": "Aula",
            "topics": "Tata cara RAT",
            "trainer": "Bu Rina",
            "kecamatan": coop_a.village.district_id,
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get(title="Pelatihan RAT")
    participation = session.participations.get()
    assert participation.cooperative == coop_a
    hold = _url("coaching_training_hold", coop_a, participation.public_id)
    assert client.post(hold).status_code == 302
    training = _url("coaching_training", coop_a, participation.public_id)
    response = client.post(training, {"attendees": "Siti Aminah; bendahara\nBudi; ketua\n"})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.attendees[1] == {"name": "Budi", "role": "ketua"}
    response = client.post(training, {"attendees": "Siti 081234567890; bendahara"})
    assert response.status_code == 400
    assert client.post(url, {"title": "x"}).status_code == 400


@pytest.mark.parametrize("who", ["dinas", "kejaksaan", "camat_balaraja"])
def test_supervisors_in_scope_read_but_do_not_write(request, client, coop_a, coached, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url("coaching", coop_a)).status_code == 200
    assert (
        client.get(_url("coaching_finding", coop_a, coached.finding.public_id)).status_code == 200
    )
    assert client.get(reverse("web:coaching_overview")).status_code == 200
    response = client.post(
        _url("coaching", coop_a),
        {"planned_on": clock.today().isoformat(), "topics": "x", "visitors": "y"},
    )
    assert response.status_code == 404
    assert client.get(reverse("web:coaching_training_new")).status_code == 404
    assert MentoringVisit.objects.count() == 1


def test_csr_partners_and_other_cooperatives_get_404(client, coop_a, coached, csr_a, place_b):
    urls = [
        _url("coaching", coop_a),
        _url("coaching_visit", coop_a, coached.visit.public_id),
        _url("coaching_finding", coop_a, coached.finding.public_id),
        _url("coaching_training", coop_a, coached.participation.public_id),
    ]
    for person in (csr_a, place_b.ketua):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
    client.force_login(csr_a)
    assert client.get(reverse("web:coaching_overview")).status_code == 404


def test_another_cooperatives_finding_under_ones_own_id_is_404(client, place_a, coop_b):
    other = make_coaching(coop_b)
    client.force_login(place_a.ketua)
    url = _url("coaching_finding", place_a.cooperative, other.finding.public_id)
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": clock.today().isoformat(), "note": "x"}).status_code == 404
