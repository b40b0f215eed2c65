"""The verifier script as a download, checkpoints.json, and the script run against the real
public log (/transparansi/<code>/log/, through the test client): a sound ledger verifies; a
checkpoint changed in the database, or a journal altered behind the application's back, fails."""

import base64
import io
import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from kopdes.ledger import checkpoints, merkle, services, signing
from kopdes.ledger.models import Checkpoint, TreeTile
from kopdes.ledger.services import EntryDraft, Line
from kopdes.web.tests.verifier_log import script
from kopdes.web.views.transparency_verifier import SCRIPT

pytestmark = pytest.mark.django_db

verify = script()
JAKARTA = ZoneInfo("Asia/Jakarta")
DAYS = [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)]
POSTED = [270, 3, 0, 2]  # entries posted on each day: a full level-0 tile, then partial ones


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


@pytest.fixture
def ledger(coop_a):
    for day, count in zip(DAYS, POSTED, strict=True):
        with at(day):
            if count:
                services.journal_entries_post_bulk(
                    cooperative=coop_a,
                    drafts=[
                        EntryDraft(
                            date=day,
                            memo=f"Setoran {day} {i}",
                            lines=[Line("1-102", debit=1_000 + i), Line("3-103", credit=1_000 + i)],
                            source_kind="test",
                        )
                        for i in range(count)
                    ],
                )
    with at(date(2026, 3, 13)):
        for day in DAYS:
            checkpoints.checkpoint_create(cooperative=coop_a, day=day)
    return coop_a


def fetcher(client, code: str):
    def fetch(path: str) -> bytes:
        response = client.get(f"/transparansi/{code}/log/{path}")
        if response.status_code != 200:
            raise verify.CannotCheck(f"{response.status_code}", f"{response.status_code} {path}")
        return response.content

    return fetch


def run(client, coop, tmp_path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = verify.main(
        ["https://kopdes.example", coop.village_id, "--pins", str(tmp_path / "pins.json"), *args],
        fetch=fetcher(client, coop.village_id),
        out=out,
    )
    return status, out.getvalue()


def leaf(coop, number: int) -> str:
    rows = checkpoints.journal_rows(coop, upto=number)
    return base64.b64encode([row.leaf for row in rows][number - 1]).decode()


def test_the_script_downloads_as_a_file(client):
    response = client.get(reverse("web:transparency_verifier_script"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-python; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kopdes_verify.py"'
    assert response.content == SCRIPT.read_bytes()
    assert b"import kopdes" not in response.content and b"from kopdes" not in response.content


def test_the_pages_link_to_the_script(client, coop_a):
    link = reverse("web:transparency_verifier_script")
    for page in (
        reverse("web:transparency"),
        reverse("web:transparency_verify", args=[coop_a.village_id]),
    ):
        assert f'href="{link}"'.encode() in client.get(page).content


def test_checkpoints_json(client, ledger):
    body = client.get(reverse("web:log_checkpoints", args=[ledger.village_id])).json()
    origin = checkpoints.origin(ledger)
    assert body["origin"] == origin
    assert body["verifier_key"] == signing.verifier_key(origin, signing.platform_key().public_key)
    rows = body["checkpoints"]
    assert [(r["date"], r["tree_size"]) for r in rows] == [
        ("2026-03-09", 270),
        ("2026-03-10", 273),
        ("2026-03-12", 275),  # 11 March added nothing: no checkpoint of its own
    ]
    stored = Checkpoint.objects.filter(cooperative=ledger).order_by("date")
    assert [r["note"] for r in rows] == [c.note for c in stored]
    assert [base64.b64decode(r["root"]).hex() for r in rows] == [c.root_hash for c in stored]
    assert all(r.get("witnesses", []) == [] for r in rows)
    assert "Setoran" not in json.dumps(body)  # hashes only: no entry's text


def test_the_script_verifies_the_real_log(client, ledger, tmp_path):
    status, out = run(
        client,
        ledger,
        tmp_path,
        "--tiles",
        "--receipt",
        f"272:{leaf(ledger, 272)}",
        "--from",
        "270",
        "--to",
        "275",
    )
    assert status == 0, out
    assert "3 checkpoints signed by the cooperative's key" in out
    assert "every checkpoint extends the one before" in out
    assert "the chain of checkpoint summaries is unbroken (prev)" in out  # the prev lines
    assert "the latest root recomputed from the hash tiles (275 entries)" in out
    assert "receipt: entry number 272 is in the latest checkpoint" in out
    assert "checkpoint 2026-03-12 (#275) extends 2026-03-09 (#270)" in out


def test_a_checkpoint_changed_in_the_database_fails(client, ledger, tmp_path, capsys):
    latest = Checkpoint.objects.filter(cooperative=ledger).latest("date")
    root = base64.b64encode(bytes.fromhex(latest.root_hash)).decode()
    forged = base64.b64encode(merkle.leaf_hash(b"forged")).decode()
    Checkpoint.objects.filter(pk=latest.pk).update(note=latest.note.replace(root, forged))
    status, _out = run(client, ledger, tmp_path)
    err = capsys.readouterr().err.split("\n")
    assert status == 1
    assert err[0].startswith("GAGAL: ")
    assert "the signature of checkpoint 2026-03-12 (#275) does not verify" in err[1]


def test_a_stored_tree_rewritten_behind_the_applications_back_fails(
    client, ledger, tmp_path, capsys
):
    """The operator rewrites a leaf in the stored tree (after dropping its triggers): the public
    tiles no longer hash up to the tiles above them, and the receipt of its neighbour (whose
    proof carries the forged hash) fails."""
    table = TreeTile._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_immutable")
    tile = TreeTile.objects.get(cooperative=ledger, level=0, number=0)
    true_leaf = leaf(ledger, 5)
    hashes = bytes(tile.hashes)
    forged = hashes[: 5 * 32] + merkle.leaf_hash(b"forged") + hashes[6 * 32 :]  # entry 6
    TreeTile.objects.filter(pk=tile.pk).update(hashes=forged)
    status, _out = run(client, ledger, tmp_path, "--tiles", "--receipt", f"5:{true_leaf}")
    err = capsys.readouterr().err.split("\n")
    assert status == 1
    assert "tile tile/1/000.p/1 does not match the tiles below it" in err[1]
    assert "receipt: entry number 5 with that leaf hash is NOT in checkpoint" in err[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_script_as_a_user_runs_it_over_http(live_server, tmp_path):
    """`python3 kopdes_verify.py <server> <code>` as a separate process, over HTTP (urllib),
    against the live server: exit 0 and the key pinned; then with a forged checkpoint, exit 1."""
    import subprocess
    import sys

    from kopdes import testing

    cooperative = testing.make_place("36.03.01.2003", "A").cooperative
    for day, count in ((DAYS[0], 3), (DAYS[1], 2)):
        with at(day):
            services.journal_entries_post_bulk(
                cooperative=cooperative,
                drafts=[
                    EntryDraft(
                        date=day,
                        memo=f"Setoran {i}",
                        lines=[Line("1-102", debit=500 + i), Line("3-103", credit=500 + i)],
                        source_kind="test",
                    )
                    for i in range(count)
                ],
            )
    with at(DAYS[2]):
        checkpoints.checkpoint_create(cooperative=cooperative, day=DAYS[1])
    pins = tmp_path / "pins.json"
    command = [sys.executable, str(SCRIPT), live_server.url, cooperative.village_id]
    command += ["--pins", str(pins), "--tiles"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "TRUSTED ON FIRST USE" in done.stdout
    assert done.stdout.rstrip().endswith("Verified: every check holds.")
    assert json.loads(pins.read_text())[checkpoints.origin(cooperative)]["tree_size"] == 5
    latest = Checkpoint.objects.filter(cooperative=cooperative).latest("date")
    Checkpoint.objects.filter(pk=latest.pk).update(note=latest.note.replace("\n5\n", "\n4\n"))
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    first, second = done.stderr.strip().split("\n")[-2:]
    assert first.startswith("GAGAL: ") and second.startswith("FAILED: ")
