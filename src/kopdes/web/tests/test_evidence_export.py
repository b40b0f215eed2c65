"""The evidence export's page (`/app/<id>/bukti/`), API operation and command: the Kejaksaan
and the examiner download the ZIP; everyone else, CSR partners and the cooperative's own
officers included, gets the 404 of a cooperative that does not exist; every export is audited."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from kopdes.accounts.tokens import token_issue
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _page(coop) -> str:
    return reverse("web:evidence_export", args=[coop.public_id])


def _api(coop) -> str:
    return f"/api/v1/supervision/cooperatives/{coop.public_id}/evidence"


def _manifest(content: bytes) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))


def test_the_kejaksaan_downloads_the_zip_from_the_page(client, coop_a, kejaksaan):
    client.force_login(kejaksaan)
    form = client.get(_page(coop_a))
    assert form.status_code == 200
    assert b'type="month"' in form.content
    response = client.get(_page(coop_a), {"first": "2026-01", "last": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    manifest = _manifest(b"".join(response.streaming_content))
    assert manifest["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert manifest["made_by"] == str(kejaksaan)
    event = AuditEvent.objects.get(action="evidence.export")
    assert event.actor_id == kejaksaan.pk and event.cooperative_id == coop_a.pk


def test_a_bad_period_is_shown_on_the_form(client, coop_a, examiner):
    client.force_login(examiner)
    response = client.get(_page(coop_a), {"first": "2026-05", "last": "2026-01"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
    assert not AuditEvent.objects.filter(action="evidence.export").exists()


def test_outside_the_scope_it_is_404(client, coop_a, coop_b, place_a, csr_a, dinas, kejaksaan):
    for person in (csr_a, dinas, place_a.ketua, place_a.pengawas):
        client.force_login(person)
        assert client.get(_page(coop_a)).status_code == 404
        assert client.get(_page(coop_a), {"year": "2026"}).status_code == 404
    client.force_login(kejaksaan)
    assert client.get(_page(coop_b)).status_code == 200  # the Kejaksaan's regency
    assert not AuditEvent.objects.filter(action="evidence.export").exists()


def test_the_api_answers_the_zip_or_404(client, coop_a, kejaksaan, csr_a, place_a):
    response = client.get(_api(coop_a), {"year": "2026"}, **_auth(kejaksaan))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert _manifest(b"".join(response.streaming_content))["period"]["from"] == "2026-01-01"
    bad = client.get(_api(coop_a), {"from_month": "2026-13"}, **_auth(kejaksaan))
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "supervision.export_period_invalid"
    for person in (csr_a, place_a.ketua):
        refused = client.get(_api(coop_a), {"year": "2026"}, **_auth(person))
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "request.not_found"


def test_the_command_writes_the_zip(coop_a, tmp_path):
    out = tmp_path / "bukti.zip"
    call_command(
        "evidence",
        "export",
        "--cooperative",
        coop_a.village_id,
        "--year",
        "2026",
        "--out",
        str(out),
    )
    assert _manifest(out.read_bytes())["made_by"] == "system (kopdes evidence export)"
    assert AuditEvent.objects.get(action="evidence.export").actor_id is None
    assert list(tmp_path.iterdir()) == [out]
