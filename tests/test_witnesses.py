"""The log side of witnessing: the latest checkpoints go to the configured witnesses with a
consistency proof, the cosignatures are checked and stored, published with the note, and a
failing witness never blocks signing. The last test runs `kopdes witness serve` as its own
process and rewrites a cooperative's history behind the application's back."""

import hashlib
import json
import os
import select
import subprocess
import sys
import urllib.request
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from kopdes.core.models import AuditEvent
from kopdes.ledger import checkpoints, cosigning, merkle, services, signing
from kopdes.ledger.checkpoints import WitnessConfig
from kopdes.ledger.errors import WitnessBadCosignature, WitnessRefused
from kopdes.ledger.models import Checkpoint, Cosignature, JournalEntry
from kopdes.ledger.services import Line
from kopdes.settings.env import parse_witnesses
from kopdes.witness.protocol import Witness
from kopdes.witness.state import DATABASE, LOGS, Logs, Store, init

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3, D4 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages, whatever translations exist."""
    with translation.override("en"):
        yield


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


def post(coop, amount, day, memo="Setoran"):
    with at(day):
        return services.journal_entry_post(
            cooperative=coop,
            date=day,
            memo=memo,
            lines=[Line("1-102", debit=amount), Line("3-103", credit=amount)],
            source_kind="test",
        )


def close(day: date) -> None:
    with at(day.replace(day=day.day + 1)):
        call_command("ledger", "checkpoint", "--date", day.isoformat(), stdout=StringIO())


def latest(coop) -> Checkpoint:
    return Checkpoint.objects.filter(cooperative=coop).latest("date")


def logs_file(path: Path) -> None:
    out = StringIO()
    call_command("ledger", "verifier-keys", stdout=out)
    path.write_text(out.getvalue())


class InProcess:
    """A witness in this process, reached through the service's transport."""

    def __init__(self, directory: Path, name: str = "saksi.example.org/inspektorat") -> None:
        self.identity = init(directory, name=name)
        logs_file(directory / LOGS)
        self.witness = Witness(
            identity=self.identity, logs=Logs(directory / LOGS), store=Store(directory / DATABASE)
        )
        self.config = WitnessConfig(
            name=name,
            url="http://witness.invalid",
            key=cosigning.parse_cosigner_key(self.identity.verifier_key),
        )
        self.requests: list[str] = []

    def post(self, url: str, body: bytes) -> tuple[int, str]:
        assert url == "http://witness.invalid/add-checkpoint"
        self.requests.append(body.decode())
        answer = self.witness.add_checkpoint(body)
        return answer.status, answer.body

    def run(self, **kw):
        return checkpoints.checkpoints_witness(witnesses=[self.config], post=self.post, **kw)


def test_the_latest_checkpoints_are_cosigned_and_published(coop_a, coop_b, tmp_path):
    post(coop_a, 1_000, D1)
    post(coop_b, 2_000, D1)
    close(D1)
    witness = InProcess(tmp_path)
    run = witness.run()
    assert not run.failures and len(run.cosigned) == 2
    first = latest(coop_a)
    assert witness.requests[0].startswith("old 0\n\n")
    # a new day: the request carries the consistency proof from the size cosigned before
    post(coop_a, 3_000, D2)
    post(coop_a, 4_000, D2)
    post(coop_b, 5_000, D2)
    close(D2)
    run = witness.run(cooperatives=[coop_a])
    assert not run.failures
    second = latest(coop_a)
    assert second.tree_size == 3
    request = witness.requests[-1]
    head = request.split("\n\n")[0].split("\n")
    assert head[0] == "old 1" and len(head) == 1 + 2  # the proof from 1 to 3 has two hashes
    # each stored cosignature verifies with the witness's key against the platform's note
    key = witness.config.key
    for checkpoint in (first, second):
        (stored,) = checkpoint.cosignatures.all()
        published = checkpoints.published_note(checkpoint)
        assert published == checkpoint.note + stored.line + "\n"
        text, lines = cosigning.split_note(published)
        (cosigned,) = cosigning.cosignatures_by(text, lines, key)
        assert cosigned.timestamp == stored.timestamp and stored.key_id == key.key_id.hex()
        # the platform's own signature still verifies on the published note
        verifier = signing.log_verifier(checkpoints.origin(checkpoint.cooperative))
        assert signing.open_note(published, verifier) == text
    # asking again changes nothing (one cosignature per checkpoint and witness)
    again = {c.pk for c in witness.run().cosigned}  # B's checkpoint of D2 is new, A's is not
    assert again == {c.pk for c in Cosignature.objects.filter(checkpoint__date=D2)}
    assert witness.run().cosigned and len(witness.requests) == 4
    assert Cosignature.objects.count() == 4


def test_after_a_lost_answer_the_409_size_is_used_once(coop_a, tmp_path):
    post(coop_a, 1_000, D1)
    close(D1)
    witness = InProcess(tmp_path)
    witness.run()
    Cosignature.objects.all().delete()  # as if the witness's answer had been lost
    post(coop_a, 2_000, D2)
    close(D2)
    run = witness.run()
    assert not run.failures
    assert [r.split("\n")[0] for r in witness.requests[1:]] == ["old 0", "old 1"]
    assert latest(coop_a).cosignatures.count() == 1


def test_a_refusal_is_audited_and_nothing_is_stored(coop_a, tmp_path):
    post(coop_a, 1_000, D1)
    close(D1)
    witness = InProcess(tmp_path)
    (tmp_path / LOGS).write_text("")  # the witness no longer witnesses this cooperative
    run = witness.run()
    (failure,) = run.failures
    assert isinstance(failure, WitnessRefused) and failure.params["status"] == 404
    assert not Cosignature.objects.exists()
    event = AuditEvent.objects.get(action="ledger.witness_refused")
    assert event.cooperative_id == coop_a.pk and event.after["witness"] == witness.config.name


def test_a_cosignature_by_another_key_is_not_stored(coop_a, tmp_path):
    post(coop_a, 1_000, D1)
    close(D1)
    witness = InProcess(tmp_path / "real")
    impostor = InProcess(tmp_path / "other", name=witness.config.name)
    witness.config = impostor.config  # configured with a key the witness does not hold
    (failure,) = witness.run().failures
    assert isinstance(failure, WitnessBadCosignature)
    assert not Cosignature.objects.exists()


def test_a_witness_that_is_down_never_blocks_signing(coop_a):
    post(coop_a, 1_000, D1)
    down = {
        "name": "saksi.example.org/down",
        "url": "http://127.0.0.1:9",  # discard port: connection refused
        "verifier_key": cosigning.cosigner_verifier_key("saksi.example.org/down", bytes(32)),
    }
    out = StringIO()
    with override_settings(KOPDES_WITNESSES=[down]), at(D2):
        call_command("ledger", "checkpoint", stdout=out)
    assert Checkpoint.objects.filter(cooperative=coop_a, date=D1).exists()
    assert "saksi.example.org/down" in out.getvalue() and "1 failures" in out.getvalue()
    with override_settings(KOPDES_WITNESSES=[down]), pytest.raises(Exception, match="next run"):
        call_command("ledger", "witness", stdout=StringIO())


def test_verifier_keys_name_every_cooperative(coop_a, coop_b):
    out = StringIO()
    call_command("ledger", "verifier-keys", stdout=out)
    lines = out.getvalue().splitlines()
    origins = [line.split(" ")[0] for line in lines]
    assert checkpoints.origin(coop_a) in origins and checkpoints.origin(coop_b) in origins
    for line in lines:
        origin, key = line.split(" ")
        assert key == signing.log_verifier_key(origin)
        signing.parse_verifier_key(key)


# -- two processes -----------------------------------------------------------------------------


def _witness_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kopdes.cli", "witness", *args]


def _environment() -> dict[str, str]:
    """The witness's own: none of the product's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KOPDES_"))}


@pytest.fixture
def witness_process(tmp_path):
    """`kopdes witness serve` in its own process, on a free port, with its own state directory;
    (process, its verifier key, its URL). Stopped (and waited for) after the test."""
    state = tmp_path / "saksi"
    made = subprocess.run(
        _witness_command("init", "--name", "saksi.example.org/kejaksaan", "--state", str(state)),
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=60,
        check=True,
    )
    verifier_key = made.stdout.strip()
    logs_file(state / LOGS)
    process = subprocess.Popen(
        _witness_command("serve", "--state", str(state), "--listen", "127.0.0.1:0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(),
    )
    try:
        ready, _w, _x = select.select([process.stdout], [], [], 60)
        assert ready, "the witness did not start within a minute"
        banner = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in banner, banner
        url = banner.split("listening on ")[1].split(" ")[0].rstrip("/")
        yield process, verifier_key, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        process.stdout.close()


def test_a_witness_process_refuses_a_rewritten_history(coop_a, witness_process):
    """The issue's attack, with an operator who also holds the platform key: after a witness
    cosigned the books, a memo is altered with SQL and a checkpoint of the same size is signed
    over the new root behind the application's back. The witness (another process, its own key
    and state) refuses to cosign it; its cosignature of the true history still verifies."""
    process, verifier_key, url = witness_process
    config = {"name": "saksi.example.org/kejaksaan", "url": url, "verifier_key": verifier_key}
    key = cosigning.parse_cosigner_key(verifier_key)
    post(coop_a, 1_000, D1)
    post(coop_a, 2_000, D1)
    close(D1)
    post(coop_a, 3_000, D2)
    with override_settings(KOPDES_WITNESSES=[config]):
        call_command("ledger", "witness", stdout=StringIO())
        close(D2)  # signs D2, then asks the witness (with the proof from size 2)
    honest = latest(coop_a)
    assert honest.tree_size == 3
    (cosignature,) = honest.cosignatures.all()

    # the rewrite: the triggers dropped, a memo changed, a checkpoint forged with the platform key
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_journalentry_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_journalentry_immutable"
            )
        second = JournalEntry.objects.get(cooperative=coop_a, number=2)
        cursor.execute("UPDATE ledger_journalentry SET memo = %s WHERE id = %s", ["X", second.pk])
    leaves = [row.leaf for row in checkpoints.journal_rows(coop_a)]
    root = merkle.root(leaves)
    assert root.hex() != honest.root_hash
    note = signing.sign_note(
        f"{checkpoints.origin(coop_a)}\n3\n{signing.b64(root)}\n",
        signing.log_key(checkpoints.origin(coop_a)),
    )
    forged = Checkpoint.objects.create(
        cooperative=coop_a,
        date=D3,
        tree_size=3,
        root_hash=root.hex(),
        previous=honest,
        day_count=0,
        day_debit_total=0,
        note=note,
        note_hash=checkpoints.note_hash(note),
        key_id=signing.log_key(checkpoints.origin(coop_a)).key_id.hex(),
    )

    out = StringIO()
    with override_settings(KOPDES_WITNESSES=[config]), pytest.raises(Exception, match="next run"):
        call_command("ledger", "witness", stdout=out)
    assert "HTTP 422" in out.getvalue()
    assert not forged.cosignatures.exists()
    event = AuditEvent.objects.get(action="ledger.witness_refused")
    assert event.object_id == str(forged.public_id) and event.after["status"] == 422
    # the cosignature of the true history still verifies, with the witness's published key
    text, lines = cosigning.split_note(checkpoints.published_note(honest))
    (still,) = cosigning.cosignatures_by(text, lines, key)
    assert still.line == cosignature.line + "\n"
    assert process.poll() is None  # the witness is still up
    # and it serves the true history to monitors
    origin = checkpoints.origin(coop_a)
    digest = hashlib.sha256(origin.encode()).hexdigest()
    with urllib.request.urlopen(f"{url}/{digest}/checkpoint", timeout=30) as answer:  # noqa: S310
        assert answer.read().decode() == checkpoints.published_note(honest)


# -- configuration -----------------------------------------------------------------------------

GOOD_KEY = cosigning.cosigner_verifier_key("saksi.example.org/w", bytes(32))


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("{", "not valid JSON"),
        ('{"name": "x"}', "JSON list"),
        ('[{"name": "saksi.example.org/w"}]', "exactly name, url and verifier_key"),
        (
            json.dumps(
                [{"name": "saksi.example.org/w", "url": "ftp://x", "verifier_key": GOOD_KEY}]
            ),
            "http(s)",
        ),
        (
            json.dumps([{"name": "other.example/w", "url": "https://x", "verifier_key": GOOD_KEY}]),
            "named 'saksi.example.org/w'",
        ),
        (
            json.dumps(
                [{"name": "saksi.example.org/w", "url": "https://x", "verifier_key": "a+b"}]
            ),
            "verifier key",
        ),
        (
            json.dumps(
                [{"name": "saksi.example.org/w", "url": "https://x", "verifier_key": GOOD_KEY}] * 2
            ),
            "twice",
        ),
    ],
)
def test_a_bad_witness_setting_names_the_variable(value, says):
    with pytest.raises(ImproperlyConfigured, match="KOPDES_WITNESSES") as bad:
        parse_witnesses(value)
    assert says in str(bad.value)


def test_good_witness_settings_are_kept():
    value = json.dumps(
        [{"name": "saksi.example.org/w", "url": "https://x", "verifier_key": GOOD_KEY}]
    )
    assert parse_witnesses(value)[0]["verifier_key"] == GOOD_KEY
    assert parse_witnesses("[]") == []


def test_ledger_verify_checks_the_stored_cosignatures(coop_a, tmp_path):
    """`kopdes ledger verify` checks each stored cosignature of a configured witness again: a
    cosignature changed in the database is named."""
    import base64

    post(coop_a, 1_000, D1)
    close(D1)
    witness = InProcess(tmp_path)
    assert not witness.run().failures
    configured = [
        {
            "name": witness.config.name,
            "url": witness.config.url,
            "verifier_key": witness.identity.verifier_key,
        }
    ]
    with override_settings(KOPDES_WITNESSES=configured):
        assert checkpoints.ledger_verify(cooperative=coop_a).ok
        stored = Cosignature.objects.get()
        head, blob = stored.line.rsplit(" ", 1)
        raw = bytearray(base64.b64decode(blob))
        raw[-1] ^= 1
        Cosignature.objects.filter(pk=stored.pk).update(
            line=f"{head} {base64.b64encode(bytes(raw)).decode()}"
        )
        problems = [str(p) for p in checkpoints.ledger_verify(cooperative=coop_a).problems]
    assert problems == [
        f"36.03.01.2003 checkpoint 2026-03-09: the cosignature of witness {witness.config.name} "
        "does not verify"
    ]
