"""The public log at /transparansi/<code>/log/: C2SP tlog-tiles and proofs, no login, no entries,
nothing beyond the latest signed tree. Every answer is checked against an independent computation
from the journal's leaves (merkle.py's RFC 9162 reference)."""

import base64
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kopdes.ledger import checkpoints, merkle, services
from kopdes.ledger.models import Checkpoint
from kopdes.ledger.services import EntryDraft, Line

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)
FIRST, THEN = 300, 5  # entries posted on D1 and D2: one full level-0 tile and a partial one


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def drafts(day: date, count: int) -> list[EntryDraft]:
    return [
        EntryDraft(
            date=day,
            memo=f"Setoran Ibu Rahasia {i}",
            lines=[Line("1-102", debit=1_000 + i), Line("3-103", credit=1_000 + i)],
            source_kind="test",
        )
        for i in range(count)
    ]


@pytest.fixture
def logged(coop_a):
    with at(D1):
        services.journal_entries_post_bulk(cooperative=coop_a, drafts=drafts(D1, FIRST))
    with at(D2):
        services.journal_entries_post_bulk(cooperative=coop_a, drafts=drafts(D2, THEN))
        checkpoints.checkpoint_create(cooperative=coop_a, day=D1)
    with at(D3):
        services.journal_entries_post_bulk(cooperative=coop_a, drafts=drafts(D3, 2))  # unsigned
        checkpoints.checkpoint_create(cooperative=coop_a, day=D2)
    return coop_a


def leaves(coop) -> list[bytes]:
    return [row.leaf for row in checkpoints.journal_rows(coop)]


def url(name: str, coop, **kwargs) -> str:
    return reverse(f"web:log_{name}", kwargs={"code": coop.village_id, **kwargs})


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_checkpoint_is_the_latest_signed_note_as_plain_text(client, logged):
    response = client.get(url("checkpoint", logged))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    latest = Checkpoint.objects.get(cooperative=logged, date=D2)
    assert latest.tree_size == FIRST + THEN
    assert response.content.decode() == latest.note
    assert response["Access-Control-Allow-Origin"] == "*"


def test_tiles_are_the_c2sp_hash_tiles_of_the_signed_tree(client, logged):
    hashes = leaves(logged)
    size = FIRST + THEN
    assert len(hashes) == size + 2  # two entries after the last checkpoint are not served
    expected = {
        "0/000": b"".join(hashes[:256]),
        "0/001.p/49": b"".join(hashes[256:size]),
        "0/001.p/3": b"".join(hashes[256:259]),  # any width within the signed tree
        "1/000.p/1": merkle.root(hashes[:256]),  # the root of the full tile below
    }
    for path, data in expected.items():
        response = client.get(url("tile", logged, tile=path))
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/octet-stream"
        assert response.content == data, path
    assert client.get(url("tile", logged, tile="0/000"))["Cache-Control"] == (
        "public, max-age=31536000, immutable"
    )


@pytest.mark.parametrize(
    "path",
    [
        "0/001",  # not full in the signed tree
        "0/001.p/50",  # beyond the signed tree (the 306th entry is not signed yet)
        "1/000.p/2",
        "2/000.p/1",
        "entries/000",  # entries are never published
        "entries/001.p/49",
        "0/0",  # non-canonical spellings of a tile
        "0/x000/000",
        "00/000",
        "0/000.p/0",
        "0/000.p/256",
        "0/000.p/07",
        "64/000",
        "0/abc",
        "0/000/",
    ],
)
def test_a_tile_outside_the_signed_tree_or_misspelled_is_404(client, logged, path):
    response = client.get(url("tile", logged, tile=path))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ledger.tile_not_found"


def test_consistency_proofs_between_any_two_signed_sizes(client, logged):
    hashes = leaves(logged)[: FIRST + THEN]
    for old, new in [(0, 0), (0, 305), (1, 2), (17, 300), (256, 257), (300, 305), (305, 305)]:
        response = client.get(url("consistency", logged), {"old": old, "new": new})
        assert response.status_code == 200, (old, new)
        body = response.json()
        proof = [base64.b64decode(h) for h in body["proof"]]
        assert body == {
            "old_size": old,
            "new_size": new,
            "old_root": b64(merkle.root(hashes[:old])),
            "new_root": b64(merkle.root(hashes[:new])),
            "proof": [b64(h) for h in merkle.consistency_proof(old, hashes[:new])],
        }
        assert merkle.verify_consistency(
            old_size=old,
            new_size=new,
            old_root=merkle.root(hashes[:old]),
            new_root=merkle.root(hashes[:new]),
            proof=proof,
        )
    latest = Checkpoint.objects.get(cooperative=logged, date=D2)
    body = client.get(url("consistency", logged), {"old": 300, "new": 305}).json()
    assert base64.b64decode(body["new_root"]).hex() == latest.root_hash


def test_inclusion_proofs_are_hashes_only(client, logged):
    hashes = leaves(logged)[: FIRST + THEN]
    for index, size in [(0, 1), (0, 305), (255, 256), (256, 300), (304, 305), (123, 200)]:
        response = client.get(url("inclusion", logged), {"index": index, "size": size})
        assert response.status_code == 200, (index, size)
        body = response.json()
        assert body == {
            "index": index,
            "size": size,
            "root": b64(merkle.root(hashes[:size])),
            "proof": [b64(h) for h in merkle.inclusion_proof(index, hashes[:size])],
        }
        assert "Rahasia" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params", "code"),
    [
        ("consistency", {"old": 2, "new": 1}, "ledger.log_bad_size"),
        ("consistency", {"old": 0, "new": 306}, "ledger.log_bad_size"),  # beyond the signed size
        ("consistency", {"old": -1, "new": 3}, "ledger.log_bad_size"),
        ("consistency", {"old": "03", "new": 5}, "ledger.log_bad_size"),
        ("consistency", {"old": "1.0", "new": 5}, "ledger.log_bad_size"),
        ("consistency", {"new": 5}, "ledger.log_bad_size"),
        ("consistency", {"old": "x", "new": "y"}, "ledger.log_bad_size"),
        ("inclusion", {"index": 5, "size": 5}, "ledger.log_bad_index"),
        ("inclusion", {"index": 0, "size": 306}, "ledger.log_bad_index"),
        ("inclusion", {"index": 0, "size": 0}, "ledger.log_bad_index"),
        ("inclusion", {"index": "٣", "size": 5}, "ledger.log_bad_index"),  # not ASCII digits
        ("inclusion", {"size": 5}, "ledger.log_bad_index"),
    ],
)
def test_bad_sizes_and_indexes_are_400_with_a_code(client, logged, name, params, code):
    response = client.get(url(name, logged), params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["details"] == {"size": FIRST + THEN}
    assert error["message"]


def test_a_cooperative_without_a_checkpoint_or_unknown_is_404(client, coop_a, coop_b, logged):
    for name, kwargs in [
        ("checkpoint", {}),
        ("tile", {"tile": "0/000.p/1"}),
        ("consistency", {}),
        ("inclusion", {}),
    ]:
        response = client.get(url(name, coop_b, **kwargs), {"old": 0, "new": 0})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "ledger.log_not_published"
        unknown = reverse(f"web:log_{name}", kwargs={"code": "99.99.99.9999", **kwargs})
        response = client.get(unknown)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "request.not_found"


def test_the_log_is_read_only(client, logged):
    assert client.post(url("checkpoint", logged)).status_code == 405
    assert client.post(url("tile", logged, tile="0/000")).status_code == 405


def test_a_proof_costs_a_few_reads_from_the_stored_tree(
    client, logged, django_assert_max_num_queries
):
    """The cooperative, its latest checkpoint, the stored size and a few tiles: no journal read."""
    with django_assert_max_num_queries(8):
        response = client.get(url("inclusion", logged), {"index": 7, "size": 305})
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(url("consistency", logged), {"old": 17, "new": 305})
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url("tile", logged, tile="0/000")).status_code == 200
