"""`/api/v1/supervision/coaching/...`: the lists in scope, a cooperative's findings, raising,
following up and closing a finding; visits planned, recorded and cancelled; trainings and their
attendance; training sessions planned, held and cancelled; outside the scope the same 404
`request.not_found`, and nothing saved by a refused or invalid write."""

import json
import uuid
from datetime import timedelta

import pytest

from kopdes import testing
from kopdes.accounts.tokens import token_issue
from kopdes.core import clock
from kopdes.core.models import AuditEvent
from kopdes.supervision import coaching
from kopdes.supervision.models import (
    CoachingStatus,
    Finding,
    MentoringVisit,
    TrainingParticipation,
    TrainingSession,
)
from kopdes.supervision.tests.factories import make_coaching

BASE = "/api/v1/supervision/coaching"


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def coached(coop_a):
    return make_coaching(coop_a)


def test_the_lists_answer_with_no_parameter_within_the_scope(
    client, coached, coop_b, place_a, dinas
):
    make_coaching(coop_b, label="B")
    for path in ("visits", "sessions", "findings"):
        mine = client.get(f"{BASE}/{path}", **_auth(place_a.ketua))
        assert mine.status_code == 200 and mine.json()["count"] == 1, path
        regency = client.get(f"{BASE}/{path}", **_auth(dinas))
        assert regency.json()["count"] == 2, path
    one = client.get(f"{BASE}/findings?cooperative={coop_b.village_id}", **_auth(dinas)).json()
    assert one["count"] == 1 and one["items"][0]["cooperative"]["village_code"] == coop_b.village_id
    assert client.get(f"{BASE}/findings?overdue=true", **_auth(dinas)).json()["count"] == 0


def test_a_cooperatives_findings_and_who_may_read_them(
    client, coached, coop_a, csr_a, place_b, kejaksaan
):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/findings"
    body = client.get(path, **_auth(kejaksaan)).json()
    assert body["items"][0]["title"] == coached.finding.title
    assert body["items"][0]["follow_ups"][0]["side"] == "dinas"
    for outsider in (csr_a, place_b.ketua):
        response = client.get(path, **_auth(outsider))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "request.not_found"
    assert client.get(f"{BASE}/findings", **_auth(csr_a)).json()["count"] == 0


def test_raise_follow_up_and_close(client, coop_a, place_a, examiner):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/findings"
    body = {
        "title": "Buku kas tidak diperbarui",
        "recommendation": "Catat setiap hari",
        "deadline": (clock.today() + timedelta(days=7)).isoformat(),
        "owner_role": "bendahara",
    }
    refused = client.post(path, body, content_type="application/json", **_auth(place_a.ketua))
    assert refused.status_code == 404
    created = client.post(path, body, content_type="application/json", **_auth(examiner))
    assert created.status_code == 201, created.content
    finding_id = created.json()["id"]
    bad = client.post(
        path, {**body, "owner_role": ""}, content_type="application/json", **_auth(examiner)
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "supervision.coaching_invalid"
    note = client.post(
        f"{path}/{finding_id}/follow-ups",
        {"note": "Sudah dicatat"},
        content_type="application/json",
        **_auth(place_a.bendahara),
    )
    assert note.status_code == 201 and note.json()["side"] == "cooperative"
    close = f"{path}/{finding_id}/close"
    assert (
        client.post(
            close, {"note": "x"}, content_type="application/json", **_auth(place_a.ketua)
        ).status_code
        == 404
    )
    closed = client.post(
        close, {"note": "Tuntas"}, content_type="application/json", **_auth(examiner)
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = client.post(close, {"note": "lagi"}, content_type="application/json", **_auth(examiner))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "supervision.finding_closed"
    assert Finding.objects.get().status == Finding.Status.CLOSED


def _send(client, method: str, path: str, body, user):
    """`body` as JSON (None: no body at all)."""
    data = "" if body is None else json.dumps(body)
    return client.generic(method, path, data=data, content_type="application/json", **_auth(user))


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    return error


def _audits(action: str):
    return AuditEvent.objects.filter(action=action)


def _kecamatan_examiner(cooperative, label: str):
    """An examiner of the cooperative's kecamatan only (a Dinas grant that is not read-only)."""
    return testing.make_supervisor(
        agency="dinas",
        organisation=f"Penilai Kecamatan {label}",
        region_prefix=cooperative.village.district_id,
        read_only=False,
    )


def test_plan_record_and_cancel_a_visit(client, coop_a, coop_b, place_a, examiner, camat_balaraja):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/visits"
    body = {
        "planned_on": (clock.today() + timedelta(days=3)).isoformat(),
        "topics": "Pembukuan kas",
        "visitors": "Tim Dinas",
    }
    # Who may not plan: the ketua and a read-only kecamatan officer (VIEW_COACHING only), the
    # examiner of another kecamatan: the 404 of a cooperative out of reach; nothing written.
    for refused in (place_a.ketua, camat_balaraja, _kecamatan_examiner(coop_b, "B")):
        _error(_send(client, "POST", path, body, refused), 404, "request.not_found")
    _error(_send(client, "POST", path, None, examiner), 422, "supervision.coaching_invalid")
    blank = _send(client, "POST", path, {**body, "topics": "  "}, examiner)
    assert "topics" in _error(blank, 422, "supervision.coaching_invalid")["fields"]
    assert not MentoringVisit.objects.exists() and not _audits("coaching.visit_plan").exists()

    created = _send(client, "POST", path, body, _kecamatan_examiner(coop_a, "A"))
    assert created.status_code == 201, created.content
    visit = created.json()
    assert visit["status"] == "planned" and visit["cooperative"]["id"] == str(coop_a.public_id)
    row = MentoringVisit.objects.get(public_id=visit["id"])
    assert row.cooperative_id == coop_a.pk and row.topics == "Pembukuan kas"
    assert _audits("coaching.visit_plan").get().cooperative_id == coop_a.pk

    record = f"{path}/{visit['id']}/record"
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    future = _send(client, "POST", record, {"done_on": tomorrow, "notes": "Baik"}, examiner)
    assert "done_on" in _error(future, 422, "supervision.coaching_invalid")["fields"]
    empty = _send(
        client, "POST", record, {"done_on": clock.today().isoformat(), "notes": ""}, examiner
    )
    assert "notes" in _error(empty, 422, "supervision.coaching_invalid")["fields"]
    _error(_send(client, "POST", record, None, examiner), 422, "supervision.coaching_invalid")
    held_body = {"done_on": clock.today().isoformat(), "notes": "Kas dicatat", "visitors": "Budi"}
    for refused in (place_a.ketua, camat_balaraja):
        _error(_send(client, "POST", record, held_body, refused), 404, "request.not_found")
    row.refresh_from_db()
    assert row.status == CoachingStatus.PLANNED and not _audits("coaching.visit_record").exists()

    held = _send(client, "POST", record, held_body, examiner)
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held" and held.json()["done_on"] == clock.today().isoformat()
    assert held.json()["visitors"] == "Budi" and held.json()["topics"] == "Pembukuan kas"
    row.refresh_from_db()
    assert row.status == CoachingStatus.HELD and row.notes == "Kas dicatat"
    assert _audits("coaching.visit_record").count() == 1
    again = _send(client, "POST", record, held_body, examiner)
    _error(again, 409, "supervision.coaching_not_planned")
    cancel_held = _send(client, "POST", f"{path}/{visit['id']}/cancel", {"reason": "x"}, examiner)
    _error(cancel_held, 409, "supervision.coaching_not_planned")
    assert _audits("coaching.visit_record").count() == 1

    second = _send(client, "POST", path, body, examiner).json()
    cancel = f"{path}/{second['id']}/cancel"
    _error(_send(client, "POST", cancel, {"reason": "x"}, place_a.ketua), 404, "request.not_found")
    no_reason = _send(client, "POST", cancel, {"reason": " "}, examiner)
    assert "reason" in _error(no_reason, 422, "supervision.coaching_invalid")["fields"]
    _error(_send(client, "POST", cancel, None, examiner), 422, "supervision.coaching_invalid")
    assert not _audits("coaching.visit_cancel").exists()
    cancelled = _send(client, "POST", cancel, {"reason": "Ketua sakit"}, examiner)
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Ketua sakit"
    assert MentoringVisit.objects.get(public_id=second["id"]).status == CoachingStatus.CANCELLED
    assert _audits("coaching.visit_cancel").get().reason == "Ketua sakit"

    # Another cooperative's visit under this cooperative's URL, an id nobody has: 404.
    foreign = make_coaching(coop_b, label="B").visit
    for visit_id in (foreign.public_id, uuid.uuid4()):
        response = _send(client, "POST", f"{path}/{visit_id}/cancel", {"reason": "x"}, examiner)
        _error(response, 404, "request.not_found")
    foreign.refresh_from_db()
    assert foreign.status == CoachingStatus.HELD


def test_visit_dates_far_away_do_not_crash(client, coop_a, examiner):
    path = f"{BASE}/cooperatives/{coop_a.public_id}/visits"
    for day in ("0001-01-01", "9999-12-31"):
        body = {"planned_on": day, "topics": "RAT", "visitors": "Tim"}
        response = _send(client, "POST", path, body, examiner)
        assert response.status_code == 201 and response.json()["planned_on"] == day
        record = f"{path}/{response.json()['id']}/record"
        done = _send(client, "POST", record, {"done_on": day, "notes": "x"}, examiner)
        assert done.status_code == (200 if day < "2000" else 422), done.content
    bad = _send(
        client,
        "POST",
        path,
        {"planned_on": "10000-01-01", "topics": "RAT", "visitors": "T"},
        examiner,
    )
    _error(bad, 422, "request.invalid")
    long = _send(
        client,
        "POST",
        path,
        {"planned_on": "2026-01-01", "topics": "x", "visitors": "v" * 301},
        examiner,
    )
    _error(long, 422, "request.invalid")


def _session(*cooperatives, planned_on=None, held: bool = False):
    session = coaching.training_session_plan(
        actor=None,
        cooperatives=cooperatives,
        title="Pelatihan pembukuan",
        planned_on=planned_on or clock.today(),
        place="Aula Kecamatan",
        topics="Jurnal",
        trainer="Ibu Rina",
    )
    if held:
        coaching.training_session_hold(actor=None, session=session)
    return session


def test_a_cooperatives_trainings_and_their_attendance(
    client, coop_a, place_a, examiner, camat_balaraja, csr_a, coop_b
):
    session = _session(coop_a)
    participation = session.participations.get()
    listing = f"{BASE}/cooperatives/{coop_a.public_id}/trainings"
    body = client.get(listing, **_auth(place_a.ketua)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(participation.public_id)
    assert item["session_id"] == str(session.public_id)
    assert (item["status"], item["attended"], item["attendees"]) == ("planned", False, [])
    assert client.get(listing, **_auth(camat_balaraja)).status_code == 200
    for outsider in (csr_a, place_a.kasir):
        _error(_send(client, "GET", listing, None, outsider), 404, "request.not_found")

    path = f"{listing}/{participation.public_id}/attendance"
    attendees = {"attendees": [{"name": "Siti Aminah", "role": "bendahara"}, {"name": "Budi"}]}
    _error(_send(client, "PUT", path, attendees, examiner), 409, "supervision.training_not_held")
    coaching.training_session_hold(actor=None, session=session)
    numbered = {"attendees": [{"name": "Siti 3603014107900007", "role": "bendahara"}]}
    refused = _error(
        _send(client, "PUT", path, numbered, examiner), 422, "supervision.coaching_invalid"
    )
    assert "attendees" in refused["fields"]
    nameless = {"attendees": [{"name": "", "role": "ketua"}]}
    _error(_send(client, "PUT", path, nameless, examiner), 422, "supervision.coaching_invalid")
    _error(_send(client, "PUT", path, None, examiner), 422, "supervision.coaching_invalid")
    too_many = {"attendees": [{"name": f"Orang {i}"} for i in range(coaching.MAX_ATTENDEES + 1)]}
    _error(_send(client, "PUT", path, too_many, examiner), 422, "request.invalid")
    for who in (place_a.ketua, camat_balaraja):
        _error(_send(client, "PUT", path, attendees, who), 404, "request.not_found")
    participation.refresh_from_db()
    assert participation.attendees == [] and not participation.attended
    assert not _audits("coaching.training_attendance").exists()

    recorded = _send(client, "PUT", path, attendees, examiner)
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["attended"] is True and recorded.json()["status"] == "held"
    assert recorded.json()["attendees"] == [
        {"name": "Siti Aminah", "role": "bendahara"},
        {"name": "Budi", "role": ""},
    ]
    participation.refresh_from_db()
    assert participation.attended and len(participation.attendees) == 2
    assert _audits("coaching.training_attendance").get().cooperative_id == coop_a.pk
    shown = client.get(listing, **_auth(place_a.ketua)).json()["items"][0]
    assert shown["attendees"][0]["name"] == "Siti Aminah"
    nobody = _send(client, "PUT", path, {"attendees": []}, examiner)
    assert nobody.status_code == 200 and nobody.json()["attended"] is False

    # Another cooperative's participation under this cooperative's URL: 404, untouched.
    other = _session(coop_b, held=True).participations.get()
    wrong = f"{listing}/{other.public_id}/attendance"
    _error(_send(client, "PUT", wrong, attendees, examiner), 404, "request.not_found")
    other.refresh_from_db()
    assert other.attendees == []


def test_plan_hold_and_cancel_a_training_session(
    client, coop_a, coop_b, place_a, examiner, camat_balaraja
):
    examiner_a = _kecamatan_examiner(coop_a, "A")
    examiner_b = _kecamatan_examiner(coop_b, "B")
    path = f"{BASE}/sessions"
    body = {
        "title": "Pelatihan pembukuan dasar",
        "planned_on": clock.today().isoformat(),
        "place": "Aula Kecamatan Balaraja",
        "topics": "Jurnal, buku besar",
        "trainer": "Ibu Rina",
        "cooperatives": [coop_a.village_id],
    }
    for nobody in (place_a.ketua, camat_balaraja):
        _error(_send(client, "POST", path, body, nobody), 403, "supervision.not_coach")
    # A village outside the examiner's kecamatan and one that does not exist: the same answer.
    answers = []
    for code in (coop_b.village_id, "99.99.99.9999"):
        wrong = {**body, "cooperatives": [coop_a.village_id, code]}
        error = _error(
            _send(client, "POST", path, wrong, examiner_a), 422, "supervision.coaching_invalid"
        )
        assert list(error["fields"]) == ["cooperatives"]
        answers.append(error["message"].replace(code, "<code>"))
    assert answers[0] == answers[1]
    assert "Bukan koperasi yang Anda awasi sebagai penilai" in answers[0]  # Indonesian first
    none = _send(client, "POST", path, {**body, "cooperatives": []}, examiner_a)
    assert "cooperatives" in _error(none, 422, "supervision.coaching_invalid")["fields"]
    untitled = _send(client, "POST", path, {**body, "title": " "}, examiner_a)
    assert "title" in _error(untitled, 422, "supervision.coaching_invalid")["fields"]
    _error(_send(client, "POST", path, None, examiner_a), 422, "supervision.coaching_invalid")
    many = {**body, "cooperatives": [coop_a.village_id] * 301}
    _error(_send(client, "POST", path, many, examiner_a), 422, "request.invalid")
    assert not TrainingSession.objects.exists() and not TrainingParticipation.objects.exists()
    assert not _audits("coaching.training_plan").exists()

    created = _send(
        client, "POST", path, {**body, "cooperatives": [coop_a.village_id] * 2}, examiner_a
    )
    assert created.status_code == 201, created.content
    session = created.json()
    assert session["status"] == "planned" and session["cooperatives_invited"] == 1
    assert [c["village_code"] for c in session["cooperatives"]] == [coop_a.village_id]
    row = TrainingSession.objects.get(public_id=session["id"])
    assert [p.cooperative_id for p in row.participations.all()] == [coop_a.pk]
    assert _audits("coaching.training_plan").get().after["cooperatives"] == [coop_a.village_id]

    hold = f"{path}/{session['id']}/hold"
    # In the scope but not the examiner: the service's 403; outside the scope: 404.
    for officer in (place_a.ketua, camat_balaraja):
        _error(_send(client, "POST", hold, None, officer), 403, "supervision.not_coach")
    _error(_send(client, "POST", hold, None, examiner_b), 404, "request.not_found")
    _error(
        _send(client, "POST", f"{path}/{uuid.uuid4()}/hold", None, examiner_a),
        404,
        "request.not_found",
    )
    row.refresh_from_db()
    assert row.status == CoachingStatus.PLANNED and not _audits("coaching.training_hold").exists()
    held = _send(client, "POST", hold, None, examiner_a)
    assert held.status_code == 200 and held.json()["status"] == "held", held.content
    row.refresh_from_db()
    assert row.status == CoachingStatus.HELD and _audits("coaching.training_hold").count() == 1
    _error(_send(client, "POST", hold, None, examiner_a), 409, "supervision.coaching_not_planned")
    cancel_held = _send(
        client, "POST", f"{path}/{session['id']}/cancel", {"reason": "x"}, examiner_a
    )
    _error(cancel_held, 409, "supervision.coaching_not_planned")

    # A session for both kecamatan: each one's examiner sees it, neither may move it alone.
    both = _send(
        client,
        "POST",
        path,
        {
            **body,
            "planned_on": (clock.today() + timedelta(days=7)).isoformat(),
            "cooperatives": [coop_a.village_id, coop_b.village_id],
        },
        examiner,
    )
    assert both.status_code == 201 and both.json()["cooperatives_invited"] == 2
    hold_both = f"{path}/{both.json()['id']}/hold"
    cancel_both = f"{path}/{both.json()['id']}/cancel"
    _error(_send(client, "POST", hold_both, None, examiner_a), 403, "supervision.not_coach")
    _error(
        _send(client, "POST", cancel_both, {"reason": "x"}, examiner_b),
        403,
        "supervision.not_coach",
    )
    early = _send(client, "POST", hold_both, None, examiner)
    assert "planned_on" in _error(early, 422, "supervision.coaching_invalid")["fields"]
    _error(
        _send(client, "POST", cancel_both, {"reason": " "}, examiner),
        422,
        "supervision.coaching_invalid",
    )
    _error(_send(client, "POST", cancel_both, None, examiner), 422, "supervision.coaching_invalid")
    assert TrainingSession.objects.get(public_id=both.json()["id"]).status == CoachingStatus.PLANNED
    assert not _audits("coaching.training_cancel").exists()
    seen_by_a = client.get(f"{BASE}/sessions", **_auth(examiner_a)).json()["items"]
    assert {s["cooperatives_invited"] for s in seen_by_a} == {1}

    cancelled = _send(client, "POST", cancel_both, {"reason": "Aula dipakai"}, examiner)
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Aula dipakai"
    assert _audits("coaching.training_cancel").get().reason == "Aula dipakai"


def test_the_sessions_list_reads_the_invitations_once_per_page(client, coop_a, coop_b, dinas):
    """The invited cooperatives of a page of sessions come in one query, not one per session;
    each session lists only its invited cooperatives in the caller's scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    auth = _auth(dinas)
    client.get(f"{BASE}/sessions", **auth)  # the token's first use writes its last use
    _session(coop_a)
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/sessions", **auth)
    _session(coop_a, coop_b)
    _session(coop_b)
    with CaptureQueriesContext(connection) as three:
        items = client.get(f"{BASE}/sessions", **auth).json()["items"]
    assert len(three.captured_queries) == len(one.captured_queries)
    assert sorted(len(s["cooperatives"]) for s in items) == [1, 1, 2]
    assert all(s["cooperatives_invited"] == len(s["cooperatives"]) for s in items)
