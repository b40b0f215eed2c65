"""A member gets the inclusion proof of their own savings transactions (issue 10, item 4): the
canonical text with commitments only, the openings of their own lines, a proof that walks to the
signed root; any other entry answers 404, like one that does not exist."""

import base64
import hashlib
import json
import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes import testing
from kopdes.ledger import chain, checkpoints, merkle, services, signing
from kopdes.ledger.models import JournalEntry
from kopdes.ledger.services import Line, posting
from kopdes.members.models import Member
from kopdes.savings import services as savings
from kopdes.savings.models import SavingsAccount
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2 = date(2026, 3, 9), date(2026, 3, 10)
OTHERS = ("Siti Aminah", "Budi Santoso")


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def proof(client, user, entry):
    return client.get(f"/api/v1/ledger/entries/{entry.public_id}/proof", **bearer(client, user))


@pytest.fixture
def books(place_a, place_b, monkeypatch):
    """The anggota persona of A as a member with a deposit of their own; two other members; a
    collective deposit for all three; an officers' entry; an entry of B; a version 1 deposit of
    the member from before version 2; all checkpointed."""
    coop = place_a.cooperative
    with at(D1):
        me = make_member(coop, user=place_a.anggota, name="Anggota A")
        siti, budi = (make_member(coop, name=name) for name in OTHERS)
        with monkeypatch.context() as patch:  # as posting wrote entries before version 2
            patch.setattr(posting, "FORMAT_VERSION", 1)
            patch.setattr(posting, "new_secret", lambda: "")
            old = savings.savings_deposit(
                actor=place_a.kasir, cooperative=coop, member=me, kind="pokok", amount=50_000
            )
        mine = savings.savings_deposit(
            actor=place_a.kasir, cooperative=coop, member=me, kind="sukarela", amount=125_000
        )
        theirs = savings.savings_deposit(
            actor=place_a.kasir, cooperative=coop, member=siti, kind="sukarela", amount=70_000
        )
        collective = savings.savings_collective_deposit(
            actor=place_a.kasir,
            cooperative=coop,
            on=D1,
            lines=[(siti, "wajib", 20_000), (me, "wajib", 20_000), (budi, "wajib", 20_000)],
        )
        officers = services.journal_entry_post(
            cooperative=coop,
            date=D1,
            memo="Modal CSR",
            lines=[Line("1-102", debit=100_000), Line("3-103", credit=100_000)],
            source_kind="test",
            actor=place_a.bendahara,
        )
        stranger = make_member(place_b.cooperative, user=place_b.anggota)
        elsewhere = savings.savings_deposit(
            actor=None,
            cooperative=place_b.cooperative,
            member=stranger,
            kind="sukarela",
            amount=999_000,
        )
    with at(D2):
        checkpoints.checkpoints_close_day(day=D1)
    return {
        "me": me,
        "old": old.entry,
        "mine": mine.entry,
        "theirs": theirs.entry,
        "collective": collective.entry,
        "officers": officers,
        "elsewhere": elsewhere.entry,
    }


def walk_to_signed_root(body: dict, leaf: bytes) -> None:
    """What the member's app does: the leaf, by the audit path, reaches the signed root."""
    assert base64.b64encode(leaf).decode() == body["leaf_hash"]
    text = signing.open_note(
        body["checkpoint"]["note"], signing.parse_verifier_key(body["verifier_key"])
    )
    _origin, size, root = text.split("\n")[:3]
    assert merkle.verify_inclusion(
        index=body["leaf_index"],
        size=int(size),
        leaf=leaf,
        proof=[base64.b64decode(p) for p in body["inclusion_proof"]],
        root_hash=base64.b64decode(root),
    )


def own_refs(member) -> set[str]:
    return {
        f"savings:{public_id}"
        for public_id in SavingsAccount.objects.filter(member=member).values_list(
            "public_id", flat=True
        )
    }


def test_a_member_gets_the_proof_of_their_own_deposit_and_it_verifies(client, place_a, books):
    with at(D2):
        response = proof(client, place_a.anggota, books["mine"])
    assert response.status_code == 200, response.content
    body = response.json()
    canonical = body["canonical"].encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == body["entry_hash"] == books["mine"].entry_hash
    walk_to_signed_root(body, merkle.leaf_hash(canonical))
    document = json.loads(canonical)
    assert body["document"] == document and document["v"] == 2 == body["format_version"]
    # The opening of their own line, and nothing else: not the memo, not the officer.
    assert body["openings"]
    for opening in body["openings"]:
        assert opening["field"].endswith("/subledger"), opening
        assert opening["value"] in own_refs(books["me"])
        assert chain.Opening(**opening).matches(document)
        assert opening["value"].split(":")[1] not in body["canonical"]
    assert books["mine"].source_id  # the member's account: committed to, like the lines
    for hidden in ("Anggota A", str(place_a.kasir), books["mine"].memo, books["mine"].source_id):
        assert hidden not in body["canonical"]


def test_a_collective_entry_shows_a_member_no_one_elses_name(client, place_a, books):
    with at(D2):
        body = proof(client, place_a.anggota, books["collective"]).json()
    walk_to_signed_root(body, merkle.leaf_hash(body["canonical"].encode("utf-8")))
    entry = books["collective"]
    everyone = (*OTHERS, "Anggota A", str(place_a.kasir), entry.memo)
    for name in everyone:
        assert name not in body["canonical"]
    assert not any(name in json.dumps(body) for name in (*OTHERS, str(place_a.kasir)))
    refs = own_refs(books["me"])
    assert body["openings"] and {o["value"] for o in body["openings"]} <= refs
    assert all(chain.Opening(**o).matches(body["document"]) for o in body["openings"])
    others = SavingsAccount.objects.filter(cooperative=entry.cooperative).exclude(
        member=books["me"]
    )
    for account in others:
        assert str(account.public_id) not in json.dumps(body)
    # The bookkeeper of the same cooperative gets every field opened.
    with at(D2):
        full = proof(client, place_a.bendahara, entry).json()
    assert full["canonical"] == body["canonical"]
    opened = {o["field"]: o["value"] for o in full["openings"]}
    assert opened["memo"] == entry.memo and opened["actor"] == str(place_a.kasir)
    assert opened.get("source", "") == entry.source_id
    assert len(opened) == 2 + bool(entry.source_id) + entry.lines.exclude(subledger_kind="").count()


@pytest.mark.parametrize("target", ["theirs", "officers", "elsewhere"])
def test_another_members_or_an_officers_entry_is_404_like_a_missing_one(
    client, place_a, books, target
):
    with at(D2):
        response = proof(client, place_a.anggota, books[target])
        missing = client.get(
            f"/api/v1/ledger/entries/{uuid.uuid4()}/proof", **bearer(client, place_a.anggota)
        )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


def test_a_member_who_left_no_longer_gets_proofs(client, place_a, books):
    Member.objects.filter(pk=books["me"].pk).update(status=Member.Status.RESIGNED)
    with at(D2):
        assert proof(client, place_a.anggota, books["mine"]).status_code == 404


def test_a_version_1_entry_gives_a_member_the_leaf_and_the_proof_not_the_names(
    client, place_a, books
):
    old = books["old"]
    assert old.format_version == 1
    with at(D2):
        body = proof(client, place_a.anggota, old).json()
    assert body["format_version"] == 1
    assert body["canonical"] is None and body["document"] is None and body["openings"] == []
    assert "Anggota A" not in json.dumps(body) and str(place_a.kasir) not in json.dumps(body)
    walk_to_signed_root(body, base64.b64decode(body["leaf_hash"]))
    # Officers still get the version 1 text, which hashes to the same leaf.
    with at(D2):
        full = proof(client, place_a.bendahara, old).json()
    assert full["leaf_hash"] == body["leaf_hash"]
    assert merkle.leaf_hash(full["canonical"].encode("utf-8")) == base64.b64decode(
        body["leaf_hash"]
    )
    assert JournalEntry.objects.get(pk=old.pk).memo in full["canonical"]


def test_the_members_history_carries_the_entry_leaf_hash_and_proof_link(client, place_a, books):
    with at(D2):
        items = client.get(
            "/api/v1/me/savings/transactions", **bearer(client, place_a.anggota)
        ).json()["items"]
        assert items
        for item in items:
            entry = JournalEntry.objects.get(public_id=item["entry_id"])
            assert item["journal"] == str(entry)
            assert item["proof"] == f"/api/v1/ledger/entries/{entry.public_id}/proof"
            body = client.get(item["proof"], **bearer(client, place_a.anggota)).json()
            assert item["leaf_hash"] == body["leaf_hash"]
