"""GET /api/v1/ledger/entries/{id}/proof: a proof anyone can check offline, for those who may see
the entry; the same 404 for absent and not theirs."""

import base64
import hashlib
import json
import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes.accounts.tokens import token_issue
from kopdes.ledger import chain, checkpoints, merkle, services, signing
from kopdes.ledger.services import Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def url(entry) -> str:
    return (
        f"/api/v1/ledger/entries/{entry.public_id if hasattr(entry, 'public_id') else entry}/proof"
    )


def get(client, user, target):
    token, _row = token_issue(user=user)
    return client.get(url(target), HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def entries(coop_a, coop_b, place_a):
    with at(D1):
        first = services.journal_entry_post(
            cooperative=coop_a,
            date=D1,
            memo="Modal CSR",
            lines=[Line("1-102", debit=100_000), Line("3-103", credit=100_000)],
            source_kind="test",
        )
        sale = services.post_event(
            cooperative=coop_a,
            event="sale.cash",
            key="sembako:member",
            amounts={"revenue": 75_000, "cost": 60_000},
            date=D1,
            memo="Penjualan beras",
            subledger_kind="member",
            subledger_id="A-0007",
            actor=place_a.kasir,
        )
        other = services.journal_entry_post(
            cooperative=coop_b,
            date=D1,
            memo="Modal CSR",
            lines=[Line("1-102", debit=100_000), Line("3-103", credit=100_000)],
            source_kind="test",
        )
    with at(D2):
        late = services.journal_entry_post(
            cooperative=coop_a,
            date=D2,
            memo="Biaya",
            lines=[Line("5-209", debit=5_000), Line("1-101-01", credit=5_000)],
            source_kind="test",
        )
        checkpoints.checkpoints_close_day(day=D1)
    return {"first": first, "sale": sale, "other": other, "late": late}


def check_offline(body: dict) -> None:
    """What a member's app does with the answer, using nothing but the answer."""
    canonical = body["canonical"].encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == body["entry_hash"]
    leaf = merkle.leaf_hash(canonical)
    assert base64.b64encode(leaf).decode() == body["leaf_hash"]
    text = signing.open_note(
        body["checkpoint"]["note"], signing.parse_verifier_key(body["verifier_key"])
    )
    origin, size, root = text.split("\n")[:3]
    assert origin == body["checkpoint"]["origin"]
    assert int(size) == body["checkpoint"]["tree_size"]
    assert merkle.verify_inclusion(
        index=body["leaf_index"],
        size=int(size),
        leaf=leaf,
        proof=[base64.b64decode(p) for p in body["inclusion_proof"]],
        root_hash=base64.b64decode(root),
    )


def test_bookkeeper_gets_a_proof_that_checks_offline(client, place_a, entries):
    with at(D2):
        response = get(client, place_a.bendahara, entries["sale"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["leaf_index"], body["cooperative"]) == (2, 1, "36.03.01.2003")
    assert body["document"] == json.loads(body["canonical"])
    # Version 2: names and references are commitments; the bookkeeper gets every opening.
    assert body["format_version"] == 2
    assert "Penjualan beras" not in body["canonical"] and "A-0007" not in body["canonical"]
    opened = {o["field"]: o["value"] for o in body["openings"]}
    assert opened["memo"] == "Penjualan beras"
    assert opened["actor"] == str(place_a.kasir)
    assert {v for f, v in opened.items() if f.startswith("lines/")} == {"member:A-0007"}
    for o in body["openings"]:
        assert chain.Opening(**o).matches(body["document"]), o
    assert body["checkpoint"]["date"] == "2026-03-09"
    assert body["checkpoint"]["tree_size"] == 2
    assert body["verifier_key"] == signing.log_verifier_key(body["checkpoint"]["origin"])
    check_offline(body)


def test_the_latest_checkpoint_is_used(client, place_a, entries):
    with at(D3):
        checkpoints.checkpoints_close_day(day=D2)
        body = get(client, place_a.ketua, entries["first"]).json()
    assert (body["checkpoint"]["date"], body["checkpoint"]["tree_size"]) == ("2026-03-10", 3)
    assert len(body["inclusion_proof"]) == 2
    check_offline(body)


def test_supervisors_with_the_books_in_scope_get_proofs(client, dinas, entries):
    with at(D2):
        response = get(client, dinas, entries["other"])
    assert response.status_code == 200
    check_offline(response.json())


def test_not_yet_checkpointed(client, place_a, entries):
    with at(D2):
        response = get(client, place_a.bendahara, entries["late"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ledger.not_checkpointed"


@pytest.mark.parametrize("who", ["other_bookkeeper", "anggota", "kasir", "outsider"])
def test_cross_tenant_and_without_the_books_is_404(
    client, place_a, place_b, outsider, entries, who
):
    user = {
        "other_bookkeeper": place_b.bendahara,
        "anggota": place_a.anggota,
        "kasir": place_a.kasir,
        "outsider": outsider,
    }[who]
    with at(D2):
        response = get(client, user, entries["sale"])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request.not_found"


@pytest.mark.parametrize("target", [uuid.uuid4(), "not-a-uuid"])
def test_absent_is_404(client, place_a, entries, target):
    with at(D2):
        response = get(client, place_a.bendahara, target)
    assert response.status_code == 404


def test_needs_a_token(client, entries):
    response = client.get(url(entries["sale"]))
    assert response.status_code == 401
