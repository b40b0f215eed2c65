"""The evidence export (docs/evidence.md): the ZIP's files and manifest, masking, the
verification script run as an outsider would (and failing after one byte changed), who may
export, and the audit row."""

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kopdes.core.models import AuditEvent
from kopdes.ledger import checkpoints
from kopdes.members.models import Member
from kopdes.savings.services import savings_deposit
from kopdes.savings.tests.factories import make_member
from kopdes.supervision import evidence
from kopdes.supervision.errors import ExportNotAllowed, ExportPeriodInvalid

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
D1, D2, D3 = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=JAKARTA), tick=False)


@pytest.fixture
def booked(place_a):
    """Deposits of two members on D1 and D2 (checkpointed), and one on D3 (not yet)."""
    coop = place_a.cooperative
    with at(D1):
        members = [make_member(coop, name=f"Anggota Bukti {i}") for i in range(2)]
        for member in members:
            savings_deposit(
                actor=place_a.bendahara,
                cooperative=coop,
                member=member,
                kind="pokok",
                amount=100_000,
                on=D1,
            )
    with at(D2):
        savings_deposit(
            actor=place_a.bendahara,
            cooperative=coop,
            member=members[0],
            kind="sukarela",
            amount=25_000,
            on=D2,
            memo="Setoran tunai",
        )
        checkpoints.checkpoint_create(cooperative=coop, day=D1)
    with at(D3):
        savings_deposit(
            actor=place_a.bendahara,
            cooperative=coop,
            member=members[1],
            kind="sukarela",
            amount=5_000,
            on=D3,
        )
        checkpoints.checkpoint_create(cooperative=coop, day=D2)
    return place_a


def export(coop, actor=None, first="2026-03", last="2026-03") -> bytes:
    out = io.BytesIO()
    evidence.evidence_export(
        actor=actor, cooperative=coop, period=evidence.period_from_months(first, last), out=out
    )
    return out.getvalue()


def test_the_zip_holds_every_file_with_its_hash_in_the_manifest(booked):
    data = export(booked.cooperative)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    paths = {f["path"] for f in manifest["files"]}
    assert set(archive.namelist()) == paths | {"manifest.json"}
    assert {
        "ledger/journal_entries.csv",
        "ledger/journal_lines.csv",
        "subledgers/savings_transactions.csv",
        "subledgers/loans.csv",
        "subledgers/loan_transactions.csv",
        "subledgers/sales.csv",
        "subledgers/stock_movements.csv",
        "subledgers/fund_receipts.csv",
        "subledgers/fund_uses.csv",
        "audit/audit_log.csv",
        "people/users.csv",
        "people/roles.csv",
        "checkpoints/checkpoints.json",
        "checkpoints/inclusion.jsonl",
        "checkpoints/consistency.jsonl",
        "verify/verify_evidence.py",
        "verify/kopdes_verify.py",
    } <= paths
    for item in manifest["files"]:
        content = archive.read(item["path"])
        assert hashlib.sha256(content).hexdigest() == item["sha256"]
        assert len(content) == item["bytes"]
    rows = {f["path"]: f["rows"] for f in manifest["files"]}
    assert rows["ledger/journal_entries.csv"] == manifest["entries"] >= 4
    assert rows["subledgers/savings_transactions.csv"] == 4
    assert rows["checkpoints/inclusion.jsonl"] == manifest["entries"] - 1  # D3 not signed yet
    assert manifest["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert manifest["cooperative"]["code"] == booked.cooperative.village_id
    assert manifest["latest_checkpoint"]["tree_size"] > 0
    assert "password" not in archive.read("people/users.csv").decode()


def test_no_nik_kk_or_phone_in_clear_anywhere_in_the_zip(booked):
    coop = booked.cooperative
    data = export(coop, first="2025-01", last="2026-12")
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = b"".join(archive.read(name) for name in archive.namelist())
    secrets = set()
    for member in Member.objects.filter(cooperative=coop):
        secrets |= {member.nik, member.phone, member.kk_number}
    for person in booked.people.values():
        secrets |= {person.nik, person.kk_number, person.phone, person.phone.removeprefix("+")}
    secrets.discard("")
    assert secrets
    found = [s for s in secrets if s.encode() in text]
    assert not found, found
    assert b"**0102" in archive.read("people/users.csv")


def _verify(tmp_path, data: bytes, *args: str) -> subprocess.CompletedProcess:
    """Run verify/verify_evidence.py from the extracted ZIP, in isolated mode (no Kopdes, no
    site packages: the standard library only)."""
    folder = tmp_path / "bukti"
    folder.mkdir(exist_ok=True)
    target = tmp_path / "bukti.zip"
    target.write_bytes(data)
    zipfile.ZipFile(target).extractall(folder)
    return subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(folder / "verify" / "verify_evidence.py"),
            str(target),
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_verification_script_passes_and_fails_after_one_byte_changed(booked, tmp_path):
    data = export(booked.cooperative)
    ok = _verify(tmp_path, data)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Verified: every check holds." in ok.stdout
    assert "entries are in the latest checkpoint" in ok.stdout
    assert "checkpoints signed by the cooperative's key" in ok.stdout

    # One byte of the ledger CSV changed (an amount), the manifest left as it was.
    source = zipfile.ZipFile(io.BytesIO(data))
    lines = source.read("ledger/journal_lines.csv")
    changed = lines.replace(b",100000,", b",900000,", 1)
    assert changed != lines and len(changed) == len(lines)
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for name in source.namelist():
            content = source.read(name)
            out.writestr(name, changed if name == "ledger/journal_lines.csv" else content)
    failed = _verify(tmp_path, tampered.getvalue())
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ledger/journal_lines.csv" in failed.stderr
    assert "do not give the entry's hash" in failed.stderr


def test_a_wrong_key_fails(booked, tmp_path):
    data = export(booked.cooperative)
    key = "kopdes.id/koperasi/x+00000000+" + "A" * 44
    result = _verify(tmp_path, data, "--key", key)
    assert result.returncode in (1, 2)


def test_who_may_export(booked, kejaksaan, examiner, dinas, csr_a):
    coop = booked.cooperative
    assert export(coop, actor=kejaksaan)
    assert export(coop, actor=examiner)
    for refused in (dinas, csr_a, booked.ketua, booked.pengawas):
        with pytest.raises(ExportNotAllowed):
            export(coop, actor=refused)


def test_every_export_is_audited(booked, kejaksaan):
    data = export(booked.cooperative, actor=kejaksaan)
    event = AuditEvent.objects.get(action="evidence.export")
    assert event.actor_id == kejaksaan.pk and event.cooperative_id == booked.cooperative.pk
    assert event.after["from"] == "2026-03-01" and event.after["to"] == "2026-03-31"
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("manifest.json")
    assert event.after["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()


@pytest.mark.parametrize(
    ("first", "last"),
    [("2026-13", "2026-12"), ("2026-05", "2026-04"), ("2020-01", "2026-12"), ("", "")],
)
def test_bad_periods(first, last):
    with pytest.raises(ExportPeriodInvalid):
        evidence.period_from_months(first, last)


def test_a_fiscal_year():
    period = evidence.period_from_text(year="2025")
    assert (period.first, period.last) == (date(2025, 1, 1), date(2025, 12, 31))


def test_the_standard_library_ed25519_agrees_with_cryptography():
    """kopdes_verify.py's RFC 8032 fallback (used when `cryptography` is absent, as in the
    script's run above) accepts what cryptography signs and refuses any change."""
    import importlib.util
    import os

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    spec = importlib.util.spec_from_file_location("kopdes_verify_under_test", evidence.VERIFIER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    for size in (0, 1, 64, 300):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        message = os.urandom(size)
        signature = key.sign(message)
        assert module.ed25519_verify(public, message, signature)
        assert not module.ed25519_verify(public, message + b"x", signature)
        flipped = bytes([signature[0] ^ 1]) + signature[1:]
        assert not module.ed25519_verify(public, message, flipped)
        assert not module.ed25519_verify(public, message, signature[:32] + bytes(32))
