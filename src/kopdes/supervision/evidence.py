"""The evidence export for auditors and prosecutors (docs/evidence.md): one cooperative, one
period, one ZIP.

The ZIP holds the journal of the period (entries and lines, CSV, with what rebuilds each entry's
canonical bytes: the salts of its committed fields, ADR 0008), the chart of accounts, the
sub-ledgers (savings movements, loans and their transactions, gerai sales and stock movements,
fund receipts and uses), the audit log, the people who held a role and the role history (NIK, KK
and phone numbers masked, never a password), the signed checkpoints from the one covering the
period's start to the latest, the RFC 9162 consistency proofs between consecutive checkpoints
and an inclusion proof of every entry of the period in the latest checkpoint, a manifest
(`manifest.json`: each file's SHA-256, size and row count, the parameters, who made it and
when) and the verification scripts (`verify/verify_evidence.py`, standard library only, on top
of the public verifier `kopdes_verify.py`, ADR 0010).

Streaming: every table is read in batches (`iterator`) and written straight into the ZIP member,
hashed and counted on the way; nothing holds a whole table. `evidence_export` writes to a file
the caller opened (a temporary file for the page and the API). Every export leaves one audit
row (`evidence.export`) with the manifest's SHA-256.
"""

import csv
import hashlib
import io
import itertools
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.http import FileResponse
from django.utils import timezone

import kopdes
from kopdes.accounts.access import Capability, holds
from kopdes.accounts.models import Role, User
from kopdes.commerce.models import Sale, StockMovement
from kopdes.cooperatives.models import Cooperative
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.masking import mask_identity_number, mask_mapping, mask_phone
from kopdes.core.models import AuditEvent
from kopdes.core.months import month_bounds, months_between, parse_month
from kopdes.funding.models import FundReceipt, FundUse
from kopdes.ledger import chain, signing
from kopdes.ledger.checkpoints import origin, published_note, with_cosignatures
from kopdes.ledger.checkpoints.tree import latest_checkpoint, tree_of
from kopdes.ledger.models import Account, Checkpoint, JournalEntry, JournalLine
from kopdes.loans.models import Loan, LoanTransaction
from kopdes.savings.models import SavingsTransaction
from kopdes.supervision.errors import ExportNotAllowed, ExportPeriodInvalid

FORMAT = "kopdes-evidence/1"
SYSTEM = "system (kopdes evidence export)"
MAX_MONTHS = 36
BATCH = 2000
VERIFIER = Path(kopdes.__file__).resolve().parent / "web" / "static" / "web" / "kopdes_verify.py"
EVIDENCE_VERIFIER = (
    Path(__file__).resolve().parent / "static" / "supervision" / "verify_evidence.py"
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}..{self.last:%Y-%m}"


def period_from_months(first: str, last: str) -> Period:
    """The months `first` through `last` ("YYYY-MM", both included, at most MAX_MONTHS)."""
    try:
        start, end = parse_month(first), parse_month(last)
    except ValueError:
        raise ExportPeriodInvalid(months=MAX_MONTHS) from None
    if not 1 <= len(months_between(start, end)) <= MAX_MONTHS:
        raise ExportPeriodInvalid(months=MAX_MONTHS)
    return Period(month_bounds(*start)[0], month_bounds(*end)[1])


def period_of_year(year: int) -> Period:
    if not 2000 <= year <= 9999:
        raise ExportPeriodInvalid(months=MAX_MONTHS)
    return Period(date(year, 1, 1), date(year, 12, 31))


def period_from_text(first: str = "", last: str = "", year: str = "") -> Period:
    """A period from a request's texts: `year` (a fiscal year) or `first` and `last` months."""
    if year.strip():
        text = year.strip()
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise ExportPeriodInvalid(months=MAX_MONTHS)
        return period_of_year(int(text))
    return period_from_months(first, last)


# -- writing one member of the ZIP, hashed and counted on the way ------------------------------


class _Member:
    """A text member of the ZIP: what is written is UTF-8 encoded, hashed and counted."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.sha256.update(data)
        self.size += len(data)
        self.raw.write(data)
        return len(text)


@dataclass
class _Writer:
    archive: zipfile.ZipFile
    files: list[dict[str, Any]]

    def _record(self, path: str, member: _Member, rows: int | None) -> None:
        self.files.append(
            {"path": path, "sha256": member.sha256.hexdigest(), "bytes": member.size, "rows": rows}
        )

    def table(self, path: str, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
        count = 0
        with self.archive.open(path, "w", force_zip64=True) as raw:
            member = _Member(raw)
            writer = csv.writer(member, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        self._record(path, member, count)
        return count

    def lines(self, path: str, items: Iterable[Any]) -> int:
        """JSON Lines: one JSON document a line (the row count is the number of lines)."""
        count = 0
        with self.archive.open(path, "w", force_zip64=True) as raw:
            member = _Member(raw)
            for item in items:
                member.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        self._record(path, member, count)
        return count

    def text(self, path: str, text: str, rows: int | None = None) -> None:
        with self.archive.open(path, "w", force_zip64=True) as raw:
            member = _Member(raw)
            member.write(text)
        self._record(path, member, rows)


def _batched(query: QuerySet, fields: tuple[str, ...]) -> Iterator[tuple]:
    return query.values_list(*fields).iterator(chunk_size=BATCH)


def _stamp(value: Any) -> Any:
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(values: Iterable[Any]) -> list[Any]:
    return [_stamp(v) for v in values]


# -- the journal ------------------------------------------------------------------------------

ENTRY_HEADER = [
    "number",
    "date",
    "posted_at",
    "memo",
    "source_kind",
    "source_id",
    "reverses",
    "actor",
    "format_version",
    "prev_hash",
    "entry_hash",
    "memo_salt",
    "actor_salt",
    "source_salt",
]
LINE_HEADER = [
    "entry_number",
    "line_no",
    "account",
    "debit",
    "credit",
    "subledger_kind",
    "subledger_id",
    "unit",
    "subledger_salt",
]


@dataclass
class _Journal:
    """What the journal pass collects for the proofs: the numbers of the period's entries."""

    numbers: list[int]


def _entries(cooperative: Cooperative, period: Period) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(
        cooperative=cooperative, date__gte=period.first, date__lte=period.last
    ).order_by("number")


def _journal_batches(cooperative: Cooperative, period: Period) -> Iterator[list[tuple]]:
    fields = (
        "pk",
        "number",
        "date",
        "posted_at_text",
        "memo",
        "source_kind",
        "source_id",
        "reverses__number",
        "actor_label",
        "format_version",
        "prev_hash",
        "entry_hash",
        "secret",
    )
    after = 0
    while True:
        batch = list(
            _entries(cooperative, period).filter(number__gt=after).values_list(*fields)[:BATCH]
        )
        if not batch:
            return
        after = batch[-1][1]
        yield batch


def _salt(secret: str, label: str) -> str:
    return chain.field_salt(secret, label).hex() if secret else ""


def _write_journal(out: _Writer, cooperative: Cooperative, period: Period) -> _Journal:
    numbers: list[int] = []

    def entry_rows() -> Iterator[list[Any]]:
        for batch in _journal_batches(cooperative, period):
            for _pk, number, day, posted, memo, kind, source_id, reverses, actor, *rest in batch:
                version, prev_hash, entry_hash, secret = rest
                numbers.append(number)
                v2 = version == 2
                yield [
                    number,
                    day.isoformat(),
                    posted,
                    memo,
                    kind,
                    source_id,
                    reverses or 0,
                    actor,
                    version,
                    prev_hash,
                    entry_hash,
                    _salt(secret, chain.MEMO) if v2 else "",
                    _salt(secret, chain.ACTOR) if v2 else "",
                    _salt(secret, chain.SOURCE) if v2 and source_id else "",
                ]

    out.table("ledger/journal_entries.csv", ENTRY_HEADER, entry_rows())
    accounts = dict(Account.objects.filter(cooperative=cooperative).values_list("pk", "code"))

    def line_rows() -> Iterator[list[Any]]:
        for batch in _journal_batches(cooperative, period):
            secrets = {b[0]: (b[1], b[9], b[12]) for b in batch}
            query = (
                JournalLine.objects.filter(cooperative=cooperative, entry_id__in=list(secrets))
                .order_by("entry__number", "line_no")
                .values_list(
                    "entry_id",
                    "line_no",
                    "account_id",
                    "debit",
                    "credit",
                    "subledger_kind",
                    "subledger_id",
                    "business_unit__code",
                )
            )
            for entry_id, n, account_id, debit, credit, kind, ident, unit in query:
                number, version, secret = secrets[entry_id]
                salt = ""
                if version == 2 and kind:
                    salt = _salt(secret, chain.subledger_label(n))
                yield [
                    number,
                    n,
                    accounts.get(account_id, ""),
                    debit,
                    credit,
                    kind,
                    ident,
                    unit or "",
                    salt,
                ]

    out.table("ledger/journal_lines.csv", LINE_HEADER, line_rows())
    out.table(
        "ledger/accounts.csv",
        ["code", "name", "kind", "contra", "parent", "header", "closed"],
        _batched(
            Account.objects.filter(cooperative=cooperative).order_by("code"),
            ("code", "name", "kind", "contra", "parent__code", "is_header", "is_closed"),
        ),
    )
    return _Journal(numbers=numbers)


# -- the sub-ledgers, the audit log, the people ----------------------------------------------


@dataclass(frozen=True)
class Table:
    """One CSV of the export: a path, its columns and the rows' fields (`values_list` names)."""

    path: str
    columns: list[str]
    fields: tuple[str, ...]
    query: Callable[[Cooperative, Period], QuerySet]
    convert: Callable[[tuple], list[Any]] = _row


def _dated(
    model: Any, field: str, order: tuple[str, ...]
) -> Callable[[Cooperative, Period], QuerySet]:
    def query(cooperative: Cooperative, period: Period) -> QuerySet:
        return model.objects.filter(
            cooperative=cooperative,
            **{f"{field}__gte": period.first, f"{field}__lte": period.last},
        ).order_by(*order)

    return query


def _loans(cooperative: Cooperative, period: Period) -> QuerySet:
    """Loans applied for in the period, and every loan with a transaction in it."""
    moved = LoanTransaction.objects.filter(
        cooperative=cooperative, date__gte=period.first, date__lte=period.last
    ).values("loan_id")
    return Loan.objects.filter(
        Q(applied_on__gte=period.first, applied_on__lte=period.last) | Q(pk__in=moved),
        cooperative=cooperative,
    ).order_by("number")


def _audit(cooperative: Cooperative, period: Period) -> QuerySet:
    return AuditEvent.objects.filter(
        cooperative_id=cooperative.pk, at__date__gte=period.first, at__date__lte=period.last
    ).order_by("at", "id")


def _audit_row(values: tuple) -> list[Any]:
    *head, before, after, reason, request_id, ip = values

    # The audit log masks personal data when it is written; masked again here, in case a row
    # was written before a key was known to be sensitive.
    def dump(data: dict | None) -> str:
        if data is None:
            return ""
        return json.dumps(mask_mapping(data), ensure_ascii=False, sort_keys=True)

    return [*_row(head), dump(before), dump(after), reason, request_id, ip or ""]


def _people(cooperative: Cooperative, period: Period) -> QuerySet:
    return (
        User.objects.filter(roles__cooperative=cooperative).distinct().order_by("full_name", "pk")
    )


def _person_row(values: tuple) -> list[Any]:
    public_id, name, nik, kk, phone, office, active, joined = values
    return [
        public_id,
        name,
        mask_identity_number(nik),
        mask_identity_number(kk),
        mask_phone(phone),
        office,
        active,
        _stamp(joined),
    ]


def _roles(cooperative: Cooperative, period: Period) -> QuerySet:
    return Role.objects.filter(cooperative=cooperative).order_by("started_on", "pk")


TABLES: list[Table] = [
    Table(
        "subledgers/savings_transactions.csv",
        [
            "date",
            "account_id",
            "savings_kind",
            "member_number",
            "kind",
            "channel",
            "amount",
            "balance_after",
            "memo",
            "entry_number",
            "receipt_number",
            "reverses",
            "corrected",
            "actor",
            "created_at",
        ],
        (
            "date",
            "account__public_id",
            "account__kind",
            "account__member__number",
            "kind",
            "channel",
            "amount",
            "balance_after",
            "memo",
            "entry__number",
            "receipt_number",
            "reverses__entry__number",
            "corrected",
            "actor_label",
            "created_at",
        ),
        _dated(SavingsTransaction, "date", ("date", "pk")),
    ),
    Table(
        "subledgers/loans.csv",
        [
            "number",
            "member_number",
            "product",
            "principal",
            "annual_rate",
            "months",
            "method",
            "status",
            "purpose",
            "applied_on",
            "disbursed_on",
        ],
        (
            "number",
            "member__number",
            "product__name",
            "principal",
            "annual_rate",
            "months",
            "method",
            "status",
            "purpose",
            "applied_on",
            "disbursed_on",
        ),
        _loans,
    ),
    Table(
        "subledgers/loan_transactions.csv",
        [
            "date",
            "loan_number",
            "kind",
            "channel",
            "amount",
            "principal",
            "interest",
            "penalty",
            "entry_number",
            "receipt_number",
            "created_at",
        ],
        (
            "date",
            "loan__number",
            "kind",
            "channel",
            "amount",
            "principal",
            "interest",
            "penalty",
            "entry__number",
            "receipt_number",
            "created_at",
        ),
        _dated(LoanTransaction, "date", ("date", "pk")),
    ),
    Table(
        "subledgers/sales.csv",
        [
            "date",
            "number",
            "unit",
            "payment",
            "status",
            "source",
            "total",
            "cost",
            "member_number",
            "kasir",
            "sold_at",
            "entry_number",
        ],
        (
            "on",
            "number",
            "unit__code",
            "payment",
            "status",
            "source",
            "total",
            "cost",
            "member__number",
            "kasir_label",
            "sold_at",
            "entry__number",
        ),
        _dated(Sale, "on", ("on", "pk")),
    ),
    Table(
        "subledgers/stock_movements.csv",
        [
            "date",
            "unit",
            "product",
            "kind",
            "quantity",
            "value",
            "reference",
            "entry_number",
            "actor",
            "created_at",
        ],
        (
            "on",
            "unit__code",
            "product__sku",
            "kind",
            "quantity",
            "value",
            "reference",
            "entry__number",
            "actor_label",
            "created_at",
        ),
        _dated(StockMovement, "on", ("on", "pk")),
    ),
    Table(
        "subledgers/fund_receipts.csv",
        [
            "date",
            "source",
            "source_kind",
            "amount",
            "channel",
            "entry_number",
            "actor",
            "created_at",
        ],
        (
            "on",
            "source__name",
            "source__kind",
            "amount",
            "channel",
            "entry__number",
            "actor_label",
            "created_at",
        ),
        _dated(FundReceipt, "on", ("on", "pk")),
    ),
    Table(
        "subledgers/fund_uses.csv",
        [
            "date",
            "source",
            "business_line",
            "unit",
            "kind",
            "spend_kind",
            "amount",
            "description",
            "payee",
            "channel",
            "entry_number",
            "evidence_sha256",
            "flagged",
            "flag_state",
            "flag_note",
            "actor",
            "created_at",
        ],
        (
            "on",
            "source__name",
            "line",
            "unit__code",
            "kind",
            "spend_kind",
            "amount",
            "description",
            "payee",
            "channel",
            "entry__number",
            "evidence_sha256",
            "flagged",
            "flag_state",
            "flag_note",
            "actor_label",
            "created_at",
        ),
        _dated(FundUse, "on", ("on", "pk")),
    ),
    Table(
        "audit/audit_log.csv",
        [
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
            "reason",
            "request_id",
            "ip",
        ],
        (
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
            "reason",
            "request_id",
            "ip",
        ),
        _audit,
        _audit_row,
    ),
    Table(
        "people/users.csv",
        [
            "person_id",
            "full_name",
            "nik_masked",
            "kk_masked",
            "phone_masked",
            "village_office",
            "active",
            "registered_at",
        ],
        (
            "public_id",
            "full_name",
            "nik",
            "kk_number",
            "phone",
            "village_office",
            "is_active",
            "date_joined",
        ),
        _people,
        _person_row,
    ),
    Table(
        "people/roles.csv",
        ["person_id", "full_name", "role", "started_on", "ended_on", "flag"],
        ("user__public_id", "user__full_name", "kind", "started_on", "ended_on", "flag"),
        _roles,
    ),
]


# -- checkpoints and proofs -------------------------------------------------------------------


def _checkpoints(cooperative: Cooperative, period: Period) -> list[Checkpoint]:
    """From the last checkpoint before the period (the tree the period starts from) to the
    latest, oldest first."""
    before = (
        Checkpoint.objects.filter(cooperative=cooperative, date__lt=period.first)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    rows = Checkpoint.objects.filter(cooperative=cooperative)
    if before is not None:
        rows = rows.filter(date__gte=before)
    return list(rows.order_by("date").prefetch_related(with_cosignatures()))


def _write_proofs(
    out: _Writer, cooperative: Cooperative, period: Period, journal: _Journal
) -> dict[str, Any] | None:
    rows = _checkpoints(cooperative, period)
    code = origin(cooperative)
    listing = {
        "origin": code,
        "verifier_key": signing.log_verifier_key(code),
        "checkpoints": [
            {
                "date": c.date.isoformat(),
                "tree_size": c.tree_size,
                "root": signing.b64(bytes.fromhex(c.root_hash)),
                "note": published_note(c),
                "summary": c.summary,
                "witnesses": sorted(cs.witness for cs in c.cosignatures.all()),
                "balances_hash": c.balances_hash,
            }
            for c in rows
        ],
    }
    out.text(
        "checkpoints/checkpoints.json",
        json.dumps(listing, ensure_ascii=False, indent=1) + "\n",
        rows=len(rows),
    )
    latest = latest_checkpoint(cooperative)
    if latest is None:
        out.lines("checkpoints/consistency.jsonl", [])
        out.lines("checkpoints/inclusion.jsonl", [])
        return None
    tree = tree_of(latest)

    def consistency() -> Iterator[dict[str, Any]]:
        for old, new in itertools.pairwise(rows):
            if 0 < old.tree_size < new.tree_size:
                proof = tree.consistency(old.tree_size, new.tree_size)
                yield {
                    "old_size": old.tree_size,
                    "new_size": new.tree_size,
                    "old_root": signing.b64(bytes.fromhex(old.root_hash)),
                    "new_root": signing.b64(bytes.fromhex(new.root_hash)),
                    "proof": [signing.b64(h) for h in proof],
                }

    def inclusion() -> Iterator[dict[str, Any]]:
        for number in journal.numbers:
            if number > latest.tree_size:
                continue  # posted after the latest checkpoint: no proof yet
            yield {
                "number": number,
                "index": number - 1,
                "size": latest.tree_size,
                "proof": [signing.b64(h) for h in tree.inclusion(number - 1, latest.tree_size)],
            }

    out.lines("checkpoints/consistency.jsonl", consistency())
    out.lines("checkpoints/inclusion.jsonl", inclusion())
    return {
        "date": latest.date.isoformat(),
        "tree_size": latest.tree_size,
        "root": signing.b64(bytes.fromhex(latest.root_hash)),
    }


README = """Bukti ekspor Kopdes / Kopdes evidence export
=============================================

Koperasi / cooperative: {name} ({code})
Periode / period: {first} s.d. / to {last}

Periksa / verify (Python 3.10+, tanpa paket tambahan / no extra package):

    python3 verify/verify_evidence.py {zip_name}

Skrip memeriksa SHA-256, ukuran dan jumlah baris setiap berkas terhadap manifest.json,
membangun ulang setiap entri jurnal dari CSV, dan memeriksa bukti inklusi setiap entri di
checkpoint terbaru, tanda tangan Ed25519 checkpoint, dan bukti konsistensi antar checkpoint.
Berikan kunci verifikasi yang Anda peroleh sendiri (misalnya dari /transparansi/{code}/)
dengan --key agar tidak bergantung pada kunci di dalam ZIP.

The script checks every file's SHA-256, size and row count against manifest.json, rebuilds
every journal entry from the CSV, and checks each entry's inclusion proof in the latest
checkpoint, the checkpoints' Ed25519 signatures and the consistency proofs between them.
Give the verifier key you obtained yourself (e.g. from /transparansi/{code}/) with --key so as
not to rely on the key inside the ZIP. The SHA-256 of manifest.json is kept in Kopdes's audit
log (evidence.export).

NIK, KK dan nomor telepon disamarkan / NIK, KK and phone numbers are masked.
"""


def evidence_export(
    *, actor: Actor, cooperative: Cooperative, period: Period, out: IO[bytes]
) -> dict[str, Any]:
    """Write the evidence ZIP of `cooperative` over `period` into `out` (a file opened for
    writing bytes) and audit it; returns the manifest. `actor` None is the system (the
    `kopdes evidence export` command); a person needs EXPORT_EVIDENCE."""
    if actor is not None and not (
        isinstance(actor, User) and holds(actor, cooperative, Capability.EXPORT_EVIDENCE)
    ):
        raise ExportNotAllowed()
    made_at = timezone.localtime()
    files: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        writer = _Writer(archive, files)
        journal = _write_journal(writer, cooperative, period)
        for table in TABLES:
            counts[table.path] = writer.table(
                table.path,
                table.columns,
                (
                    table.convert(v)
                    for v in _batched(table.query(cooperative, period), table.fields)
                ),
            )
        anchor = _write_proofs(writer, cooperative, period, journal)
        writer.text("verify/kopdes_verify.py", VERIFIER.read_text(encoding="utf-8"))
        writer.text("verify/verify_evidence.py", EVIDENCE_VERIFIER.read_text(encoding="utf-8"))
        writer.text(
            "README.txt",
            README.format(
                name=cooperative.name,
                code=cooperative.village_id,
                first=period.first.isoformat(),
                last=period.last.isoformat(),
                zip_name=f"bukti_{cooperative.village_id}_{period.first:%Y%m}_{period.last:%Y%m}.zip",
            ),
        )
        manifest = {
            "format": FORMAT,
            "cooperative": {
                "code": cooperative.village_id,
                "name": cooperative.name,
                "origin": origin(cooperative),
            },
            "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
            "made_by": actor_label(actor) if actor is not None else SYSTEM,
            "made_at": made_at.isoformat(),
            "latest_checkpoint": anchor,
            "entries": len(journal.numbers),
            "files": files,
        }
        manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode()
        archive.writestr("manifest.json", manifest_bytes)
    audit_record(
        actor=actor,
        action="evidence.export",
        obj=cooperative,
        cooperative_id=cooperative.pk,
        after={
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "entries": len(journal.numbers),
            "files": len(files),
            "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
        },
    )
    return manifest


def export_filename(cooperative: Cooperative, period: Period) -> str:
    return f"bukti_{cooperative.village_id}_{period.first:%Y%m}_{period.last:%Y%m}.zip"


def evidence_download(*, actor: Actor, cooperative: Cooperative, period: Period) -> FileResponse:
    """The export as an HTTP download (the page and the API): written to a temporary file and
    streamed from it, never kept; refused exports raise before any byte is sent."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        evidence_export(actor=actor, cooperative=cooperative, period=period, out=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    response = FileResponse(
        file,
        as_attachment=True,
        filename=export_filename(cooperative, period),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def manifest_of(data: bytes) -> dict[str, Any]:
    """The manifest of an exported ZIP (tests, the command's summary)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("manifest.json"))
