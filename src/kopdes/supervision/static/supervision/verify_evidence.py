#!/usr/bin/env python3
"""verify_evidence.py: check a Kopdes evidence export (the ZIP) yourself.

Periksa sendiri ZIP bukti ekspor Kopdes. / Check a Kopdes evidence export.

Python 3.10+ standard library only. It uses `kopdes_verify.py` (the public verifier of
/transparansi/, in the same folder, or else read from the ZIP) for the signed notes, RFC 9162
proofs and Ed25519, and adds what an export needs:

1. every file of `manifest.json`: its SHA-256, size and row count, and no file left out or added;
2. every journal entry of `ledger/journal_entries.csv` with its lines of `journal_lines.csv`
   rebuilt into its canonical bytes (docs: ledger/chain.py; the salts of the committed fields
   are in the CSV), its SHA-256 equal to the entry's hash;
3. the checkpoints of `checkpoints/checkpoints.json` signed by the cooperative's key (the key
   given with --key, else the one in the export: say which), their summaries, their chain, and
   each one extending the one before (`checkpoints/consistency.jsonl`);
4. every entry's leaf included in the latest checkpoint (`checkpoints/inclusion.jsonl`). An entry
   posted after the latest checkpoint has no proof yet: it is counted, not failed.

    python3 verify_evidence.py bukti_36.03.01.2003_202601_202612.zip [--key <verifier key>]

Exit status: 0 everything holds; 1 a check failed (GAGAL/FAILED on stderr); 2 the checks could
not be run (not a ZIP, no manifest, no kopdes_verify.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENTRIES = "ledger/journal_entries.csv"
LINES = "ledger/journal_lines.csv"
CHECKPOINTS = "checkpoints/checkpoints.json"
CONSISTENCY = "checkpoints/consistency.jsonl"
INCLUSION = "checkpoints/inclusion.jsonl"
VERIFIER = "verify/kopdes_verify.py"


def load_verifier(archive: zipfile.ZipFile) -> Any:
    """kopdes_verify.py from beside this script, else from the ZIP."""
    here = Path(__file__).resolve().parent / "kopdes_verify.py"
    source = here.read_text(encoding="utf-8") if here.exists() else None
    if source is None:
        try:
            source = archive.read(VERIFIER).decode("utf-8")
        except KeyError:
            return None
    module = types.ModuleType("kopdes_verify")
    sys.modules["kopdes_verify"] = module  # dataclasses look their module up
    exec(compile(source, "kopdes_verify.py", "exec"), module.__dict__)  # noqa: S102 (the verifier)
    return module


def rows_of(path: str, data: bytes) -> int:
    if path.endswith(".csv"):
        return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1, 0)
    if path.endswith(".jsonl"):
        return data.count(b"\n")
    if path == CHECKPOINTS:
        return len(json.loads(data)["checkpoints"])
    return -1


class Report:
    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []

    def ok(self, id_text: str, en_text: str) -> None:
        print(f"OK: {id_text} / {en_text}")

    def fail(self, id_text: str, en_text: str) -> None:
        self.failures.append((id_text, en_text))
        print(f"GAGAL / FAILED: {id_text} / {en_text}")


def check_manifest(archive: zipfile.ZipFile, manifest: dict, report: Report) -> None:
    listed = {f["path"]: f for f in manifest.get("files", [])}
    present = set(archive.namelist()) - {"manifest.json"}
    for extra in sorted(present - set(listed)):
        report.fail(f"berkas {extra} tidak ada di manifest", f"file {extra} is not in the manifest")
    bad = 0
    for path, item in listed.items():
        try:
            data = archive.read(path)
        except KeyError:
            report.fail(f"berkas {path} hilang", f"file {path} is missing")
            bad += 1
            continue
        if hashlib.sha256(data).hexdigest() != item["sha256"] or len(data) != item["bytes"]:
            report.fail(
                f"{path}: SHA-256 atau ukuran berbeda dari manifest",
                f"{path}: the SHA-256 or size differs from the manifest",
            )
            bad += 1
        elif item.get("rows") is not None and rows_of(path, data) != item["rows"]:
            report.fail(
                f"{path}: jumlah baris berbeda dari manifest",
                f"{path}: the row count differs from the manifest",
            )
            bad += 1
    if not bad:
        report.ok(
            f"{len(listed)} berkas cocok dengan manifest (SHA-256, ukuran, baris)",
            f"{len(listed)} files match the manifest (SHA-256, size, rows)",
        )


def csv_rows(archive: zipfile.ZipFile, path: str) -> Iterator[dict[str, str]]:
    with archive.open(path) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))


def commit(salt: str, value: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + value.encode("utf-8")).hexdigest()


def subledger(line: dict[str, str], v2: bool) -> str:
    """A line's sub-ledger reference: "kind:id", committed in version 2; "" without one."""
    if not line["subledger_kind"]:
        return ""
    ref = f"{line['subledger_kind']}:{line['subledger_id']}"
    return commit(line["subledger_salt"], ref) if v2 else ref


def canonical(entry: dict[str, str], lines: list[dict[str, str]], code: str) -> bytes:
    """The entry's canonical bytes (Kopdes ledger/chain.py, versions 1 and 2)."""
    v2 = entry["format_version"] == "2"
    memo, actor = entry["memo"], entry["actor"]
    source = entry["source_id"]
    if v2:
        memo, actor = commit(entry["memo_salt"], memo), commit(entry["actor_salt"], actor)
        source = commit(entry["source_salt"], source) if source else ""
    document = {
        "v": int(entry["format_version"]),
        "cooperative": code,
        "number": int(entry["number"]),
        "date": entry["date"],
        "memo": memo,
        "source": f"{entry['source_kind']}:{source}",
        "reverses": int(entry["reverses"] or 0),
        "posted_at": entry["posted_at"],
        "actor": actor,
        "lines": [
            {
                "n": int(ln["line_no"]),
                "account": ln["account"],
                "debit": int(ln["debit"]),
                "credit": int(ln["credit"]),
                "subledger": subledger(ln, v2),
                "unit": ln["unit"],
            }
            for ln in sorted(lines, key=lambda ln: int(ln["line_no"]))
        ],
        "prev": entry["prev_hash"],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entries_with_lines(
    archive: zipfile.ZipFile,
) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    """Each entry with its lines (both files are in entry number order)."""
    lines = csv_rows(archive, LINES)
    pending = next(lines, None)
    for entry in csv_rows(archive, ENTRIES):
        own = []
        while pending is not None and int(pending["entry_number"]) <= int(entry["number"]):
            if pending["entry_number"] == entry["number"]:
                own.append(pending)
            pending = next(lines, None)
        yield entry, own


def check_entries(
    archive: zipfile.ZipFile, kv: Any, code: str, latest: Any, report: Report
) -> None:
    with archive.open(INCLUSION) as raw:
        proofs = (json.loads(line) for line in io.TextIOWrapper(raw, encoding="utf-8"))
        proof = next(proofs, None)
        rebuilt = included = pending = bad = 0
        for entry, lines in entries_with_lines(archive):
            number = int(entry["number"])
            try:
                data = canonical(entry, lines, code)
            except (KeyError, ValueError):
                data = b""
            if hashlib.sha256(data).hexdigest() != entry["entry_hash"]:
                bad += 1
                report.fail(
                    f"entri {number}: baris CSV tidak menghasilkan hash entri",
                    f"entry {number}: the CSV rows do not give the entry's hash",
                )
                continue
            rebuilt += 1
            while proof is not None and int(proof["number"]) < number:
                proof = next(proofs, None)
            if latest is None or number > latest.size:
                pending += 1
                continue
            ok = (
                proof is not None
                and int(proof["number"]) == number
                and int(proof["size"]) == latest.size
                and kv.verify_inclusion(
                    number - 1,
                    latest.size,
                    kv.leaf_hash(data),
                    [kv.decode_hash(h) for h in proof["proof"]],
                    latest.root,
                )
            )
            if ok:
                included += 1
            else:
                bad += 1
                report.fail(
                    f"entri {number} tidak terbukti ada di checkpoint terbaru",
                    f"entry {number} is not proved to be in the latest checkpoint",
                )
    if rebuilt:
        report.ok(
            f"{rebuilt} entri dibangun ulang dari CSV, hash cocok",
            f"{rebuilt} entries rebuilt from the CSV, hashes match",
        )
    if included:
        report.ok(
            f"{included} entri ada di checkpoint terbaru (bukti inklusi RFC 9162)",
            f"{included} entries are in the latest checkpoint (RFC 9162 inclusion proofs)",
        )
    if pending:
        print(
            f"Catatan: {pending} entri diposting setelah checkpoint terbaru (belum ada bukti) / "
            f"note: {pending} entries were posted after the latest checkpoint (no proof yet)"
        )


def zip_fetch(archive: zipfile.ZipFile, kv: Any):
    """The public log's answers the verifier asks for, from the ZIP's proofs."""
    proofs = {}
    with archive.open(CONSISTENCY) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            item = json.loads(line)
            proofs[f"consistency?old={item['old_size']}&new={item['new_size']}"] = line
    listing = archive.read(CHECKPOINTS)

    def fetch(path: str) -> bytes:
        if path == "checkpoints.json":
            return listing
        if path in proofs:
            return proofs[path].encode("utf-8")
        raise kv.CannotCheck(f"ZIP tidak memuat {path}", f"the ZIP does not hold {path}")

    return fetch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_evidence.py",
        description="Periksa ZIP bukti Kopdes. / Check a Kopdes evidence export.",
    )
    parser.add_argument("zip", type=Path, help="the evidence ZIP")
    parser.add_argument("--key", help="the cooperative's verifier key, obtained independently")
    args = parser.parse_args(argv)
    try:
        archive = zipfile.ZipFile(args.zip)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        print(f"TIDAK DAPAT MEMERIKSA: {error}\nCANNOT CHECK: {error}", file=sys.stderr)
        return 2
    kv = load_verifier(archive)
    if kv is None:
        print("TIDAK DAPAT MEMERIKSA: kopdes_verify.py tidak ada", file=sys.stderr)
        print("CANNOT CHECK: kopdes_verify.py is missing", file=sys.stderr)
        return 2
    report = Report()
    code = manifest["cooperative"]["code"]
    print(f"Koperasi / cooperative: {manifest['cooperative']['name']} ({code})")
    print(f"Periode / period: {manifest['period']['from']} .. {manifest['period']['to']}")
    print(f"Dibuat / made by {manifest['made_by']}, {manifest['made_at']}")
    check_manifest(archive, manifest, report)
    try:
        listing = json.loads(archive.read(CHECKPOINTS))
        verifier = kv.Verifier(out=sys.stdout, fetch=zip_fetch(archive, kv), code=code)
        key_text = args.key or listing["verifier_key"]
        verifier.key = kv.parse_verifier_key(key_text, alg=kv.ALG_ED25519)
        print(f"Kunci / key ({'--key' if args.key else 'dari ZIP / from the ZIP'}): {key_text}")
        good = verifier.check_checkpoints(verifier.read_checkpoints(listing))
        verifier.check_consecutive(good)
        for failure in verifier.failures:
            report.failures.append((failure.id_text, failure.en_text))
        latest = good[-1].checkpoint if good else None
        said = manifest.get("latest_checkpoint") or {}
        if latest is not None and said.get("tree_size") != latest.size:
            report.fail(
                "checkpoint terbaru berbeda dengan manifest",
                "the latest checkpoint differs from the manifest",
            )
        check_entries(archive, kv, code, latest, report)
    except kv.CannotCheck as error:
        print(f"TIDAK DAPAT MEMERIKSA: {error.id_text}", file=sys.stderr)
        print(f"CANNOT CHECK: {error.en_text}", file=sys.stderr)
        return 2
    except (KeyError, ValueError) as error:
        report.fail(f"bukti tidak dapat dibaca: {error}", f"the evidence cannot be read: {error}")
    if report.failures:
        print("GAGAL: " + "; ".join(f[0] for f in report.failures), file=sys.stderr)
        print("FAILED: " + "; ".join(f[1] for f in report.failures), file=sys.stderr)
        return 1
    print("Terverifikasi: semua pemeriksaan berhasil. / Verified: every check holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
