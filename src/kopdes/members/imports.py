"""Members from the spreadsheets treasurers already keep (Excel .xlsx or CSV).

The shape (one row per member, a header row first; column order free, names matched loosely):

    No | Nama | NIK | Jenis Kelamin (L/P) | Tempat Lahir | Tanggal Lahir | Alamat |
    Kode Desa/Kelurahan (optional: the cooperative's own) | No HP | Pekerjaan | No KK | Tanggal Masuk

A dry run (`member_import_check`) checks every row with the same rules as a registration and lists
every bad row with its reasons; the file is kept privately until the officer decides. Then
`member_import_commit` imports all rows or none, or only the good rows when the officer chooses.
Rows whose NIK is already a member of the cooperative are skipped, and a file whose checksum was
imported before is a no-op, so importing the same file twice creates no duplicates. Imported
members are active, with NIAKs in file order from one advance of the NIAK sequence; members,
status rows and KK rows are written in bulk, with one audit row for the import.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core import bulk
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.errors import ValidationFailed
from kopdes.core.masking import mask_identity_number
from kopdes.members import rules
from kopdes.members.errors import (
    ImportFileGone,
    ImportHasBadRows,
    ImportTooLarge,
    InvalidImportFile,
    NikTaken,
)
from kopdes.members.models import Member, MemberImport, MemberKK, MemberStatusChange
from kopdes.members.selectors import known_regions
from kopdes.members.services import _clean_person, niak_take
from kopdes.regions.rules import InvalidRegionCode, parse_code

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

# field -> (header as in the template, other spellings seen in treasurers' files)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "no": ("No", ("no.", "nomor", "no urut")),
    "full_name": ("Nama", ("nama lengkap", "nama anggota")),
    "nik": ("NIK", ("no nik", "nomor nik", "no ktp", "nik ktp")),
    "sex": ("Jenis Kelamin", ("jenis kelamin (l/p)", "l/p", "jk", "kelamin")),
    "birth_place": ("Tempat Lahir", ()),
    "birth_date": ("Tanggal Lahir", ("tgl lahir", "tgl. lahir")),
    "address": ("Alamat", ("alamat lengkap",)),
    "domicile_code": (
        "Kode Desa/Kelurahan",
        ("kode desa", "kode kelurahan", "kode wilayah", "kode desa/kel"),
    ),
    "phone": ("No HP", ("no. hp", "nomor hp", "no telp", "no. telp", "hp", "telepon", "no wa")),
    "occupation": ("Pekerjaan", ()),
    "kk_number": ("No KK", ("no. kk", "nomor kk", "kk")),
    "joined_on": ("Tanggal Masuk", ("tgl masuk", "tanggal daftar", "tanggal bergabung")),
    "marital_status": ("Status Perkawinan", ("status kawin", "perkawinan", "status perkawinan")),
}
MARITAL = {
    "": "",
    "belum kawin": "belum_kawin",
    "kawin": "kawin",
    "cerai hidup": "cerai_hidup",
    "cerai mati": "cerai_mati",
}
REQUIRED = ("full_name", "nik", "sex", "birth_date", "address")
SEXES = {
    "l": rules.MALE,
    "laki-laki": rules.MALE,
    "laki laki": rules.MALE,
    "lk": rules.MALE,
    "pria": rules.MALE,
    "m": rules.MALE,
    "p": rules.FEMALE,
    "perempuan": rules.FEMALE,
    "pr": rules.FEMALE,
    "wanita": rules.FEMALE,
    "f": rules.FEMALE,
}
_DATE_TEXT = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)
_ISO_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class GoodRow:
    line: int
    values: dict[str, Any]
    joined_on: date
    warnings: list[dict]


@dataclass
class Report:
    """The outcome of reading a file: good rows (in file order), bad rows with their reasons,
    rows skipped because the NIK is already a member here."""

    file_name: str
    checksum: str
    rows_total: int = 0
    good: list[GoodRow] = field(default_factory=list)
    bad: list[dict] = field(default_factory=list)  # {"row", "name", "nik", "problems": [...]}
    existing: list[dict] = field(default_factory=list)  # {"row", "name", "nik", "niak"}
    already_imported: MemberImport | None = None

    def as_json(self) -> dict:
        return {
            "rows_total": self.rows_total,
            "good": len(self.good),
            "warnings": [
                {
                    "row": g.line,
                    "name": g.values["full_name"],
                    "codes": [w["code"] for w in g.warnings],
                }
                for g in self.good
                if g.warnings
            ],
            "bad": self.bad,
            "existing": self.existing,
        }


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").strip().lower().replace("_", " ").split())


def _header_map(header: list[Any]) -> dict[str, int]:
    lookup: dict[str, str] = {}
    for name, (title, aliases) in COLUMNS.items():
        for spelling in (title, *aliases):
            lookup[_header_key(spelling)] = name
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        column = lookup.get(_header_key(text))
        if column and column not in found:
            found[column] = index
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in found]
    if missing:
        raise InvalidImportFile(
            _("The file has no column %(columns)s. Use the template's header row.")
            % {"columns": ", ".join(missing)},
            fields={"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]},
        )
    return found


HEADER_SEARCH = 10  # the header is looked for in the first rows (title rows above it)
FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would run such a cell as a formula


def _too_many_rows():
    raise ImportTooLarge(
        fields={"file": [_("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}]}
    )


def _rows_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InvalidImportFile(
            fields={"file": [_("The file is not a readable Excel (.xlsx) workbook.")]}
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows: list[list[Any]] = []
        filled = 0
        for r in sheet.iter_rows(values_only=True):
            rows.append(list(r))
            if any(c not in (None, "") for c in r):
                filled += 1
                if filled > MAX_ROWS + HEADER_SEARCH:  # stop reading: the file is too long
                    _too_many_rows()
    finally:
        book.close()
    return rows


def _rows_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise InvalidImportFile(fields={"file": [_("The CSV file's text encoding is unknown.")]})
    if "\x00" in text:
        raise InvalidImportFile(fields={"file": [_("The file is not a CSV text file.")]})
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)  # Indonesian Excel exports use ";"
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(row)
        if len(rows) > MAX_ROWS + HEADER_SEARCH + 1000:  # blank lines aside, far too long
            _too_many_rows()
    return rows


def read_table(*, file_name: str, content: bytes) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """(column map, [(line number, cells)]) of the file's first sheet. Raises InvalidImportFile."""
    if not content:
        raise InvalidImportFile(fields={"file": [_("The file is empty.")]})
    if len(content) > MAX_BYTES:
        raise ImportTooLarge(
            fields={"file": [_("The file is larger than 5 MB: split it into several files.")]}
        )
    name = (file_name or "").lower()
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        rows = _rows_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        rows = _rows_csv(content)
    else:
        raise InvalidImportFile(
            fields={"file": [_("Upload an Excel workbook (.xlsx) or a CSV file.")]}
        )
    # The header is the first row that names the required columns (files often have a title
    # row or two above it).
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        keys = {_header_key(c) for c in row}
        if "nik" in keys or "no nik" in keys or "nama" in keys:
            columns = _header_map(list(row))
            body = [
                (index + 2 + n, list(r))
                for n, r in enumerate(rows[index + 1 :])
                if any(c not in (None, "") and str(c).strip() for c in r)
            ]
            if len(body) > MAX_ROWS:
                _too_many_rows()
            return columns, body
    return _header_map(list(rows[0]) if rows else []), []


def _cell(cells: list, columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd, an Excel date cell or an Excel day number.
    Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 1 <= value < 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _ISO_TEXT.fullmatch(text.split(" ")[0])
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def _identity(value: Any, label: str, problems: list[str], reported: set[str], key: str) -> str:
    """A NIK or KK from a cell: a number cell has lost its last digits in Excel (15 significant
    digits), so it is refused with the fix, never silently accepted."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        problems.append(
            _(
                "%(column)s: the number is stored as a number, so Excel has lost its last digits. "
                "Format the column as Text and type it again."
            )
            % {"column": label}
        )
        reported.add(key)
        return ""
    return rules.nik_normalize(value)


def _phone(value: Any) -> str:
    text = _text(value)
    if text.isdigit() and text.startswith("8"):  # Excel dropped the leading 0
        text = "0" + text
    return text


def check_rows(*, cooperative: Cooperative, file_name: str, content: bytes) -> Report:
    """Read and check every row of the file; writes nothing. Raises InvalidImportFile for a
    file that cannot be read at all."""
    columns, body = read_table(file_name=file_name, content=content)
    report = Report(file_name=file_name, checksum=checksum_of(content), rows_total=len(body))
    report.already_imported = (
        MemberImport.objects.filter(
            cooperative=cooperative,
            checksum=report.checksum,
            status=MemberImport.Status.IMPORTED,
        )
        .order_by("created_at")
        .first()
    )
    known = known_regions()
    today = timezone.localdate()
    existing = {
        m.nik: m
        for m in Member.objects.filter(cooperative=cooperative).exclude(
            status=Member.Status.REJECTED
        )
    }
    header = {name: title for name, (title, _aliases) in COLUMNS.items()}
    seen: dict[str, int] = {}
    candidates: list[GoodRow] = []
    for line, cells in body:
        problems: list[str] = []
        reported: set[str] = set()  # fields already explained above, not to repeat
        name = _text(_cell(cells, columns, "full_name"))
        nik = _identity(_cell(cells, columns, "nik"), header["nik"], problems, reported, "nik")
        kk = _identity(
            _cell(cells, columns, "kk_number"), header["kk_number"], problems, reported, "kk_number"
        )
        sex_text = _text(_cell(cells, columns, "sex")).lower()
        sex = SEXES.get(sex_text, "")
        if not sex:
            reported.add("sex")
            problems.append(
                _("%(column)s: write L (laki-laki) or P (perempuan).") % {"column": header["sex"]}
            )
        dates: dict[str, date | None] = {}
        for key in ("birth_date", "joined_on"):
            try:
                dates[key] = parse_date(_cell(cells, columns, key))
            except ValueError:
                dates[key] = None
                reported.add(key)
                problems.append(
                    _("%(column)s: write the date as dd-mm-yyyy, e.g. 17-08-1985.")
                    % {"column": header[key]}
                )
        joined_on = dates["joined_on"] or today
        if joined_on > today:
            problems.append(
                _("%(column)s: the date is in the future.") % {"column": header["joined_on"]}
            )
        domicile = _text(_cell(cells, columns, "domicile_code"))
        if domicile:
            try:
                parsed = parse_code(domicile)
            except InvalidRegionCode:
                parsed = None
            if parsed is None or parsed.village is None:
                problems.append(
                    _("%(column)s: %(code)s is not a desa/kelurahan code.")
                    % {"column": header["domicile_code"], "code": domicile}
                )
            elif parsed.dotted != cooperative.village_id:
                problems.append(
                    _(
                        "%(column)s: the person lives in %(code)s, not in %(village)s; only "
                        "residents of the cooperative's own desa/kelurahan can be members."
                    )
                    % {
                        "column": header["domicile_code"],
                        "code": parsed.dotted,
                        "village": str(cooperative.village),
                    }
                )
        for key in ("full_name", "birth_place", "address", "occupation"):
            if _text(_cell(cells, columns, key)).startswith(FORMULA_START):
                reported.add(key)
                problems.append(
                    _(
                        "%(column)s: the text starts with =, +, - or @, which a spreadsheet runs "
                        "as a formula. Remove that sign."
                    )
                    % {"column": header[key]}
                )
        marital_text = " ".join(_text(_cell(cells, columns, "marital_status")).lower().split())
        marital = MARITAL.get(marital_text.replace("_", " "))
        if marital is None:
            reported.add("marital_status")
            problems.append(
                _("%(column)s: write Belum Kawin, Kawin, Cerai Hidup or Cerai Mati.")
                % {"column": header["marital_status"]}
            )
        clean: dict[str, Any] = {}
        warnings: list[dict] = []
        try:
            clean, warnings = _clean_person(
                cooperative=cooperative,
                full_name=name,
                nik=nik,
                sex=sex,
                birth_date=dates["birth_date"],
                birth_place=_text(_cell(cells, columns, "birth_place")),
                address=_text(_cell(cells, columns, "address")),
                phone=_phone(_cell(cells, columns, "phone")),
                occupation=_text(_cell(cells, columns, "occupation")),
                kk_number=kk,
                known=known,
                marital_status=marital or "",
                on=joined_on,
            )
        except ValidationFailed as error:
            for key, messages in error.fields.items():
                if key not in reported:
                    label = header.get(key, key)
                    problems.extend(f"{label}: {message}" for message in messages)
        if not problems and nik in seen:
            problems.append(
                _("%(column)s: the same NIK is already in row %(row)s of this file.")
                % {"column": header["nik"], "row": seen[nik]}
            )
        if nik and nik not in seen:
            seen[nik] = line
        if problems or not clean:
            report.bad.append(
                {
                    "row": line,
                    "name": name,
                    "nik": mask_identity_number(nik),
                    "problems": problems,
                }
            )
            continue
        if nik in existing:
            report.existing.append(
                {
                    "row": line,
                    "name": name,
                    "nik": mask_identity_number(nik),
                    "niak": existing[nik].niak,
                }
            )
            continue
        candidates.append(GoodRow(line=line, values=clean, joined_on=joined_on, warnings=warnings))
    report.good = candidates
    return report


def _stored_name(cooperative: Cooperative, checksum: str, file_name: str) -> str:
    extension = "xlsx" if file_name.lower().endswith(".xlsx") else "csv"
    return f"member-imports/{cooperative.public_id}/{checksum}.{extension}"


@transaction.atomic
def member_import_check(
    *, actor: Actor, cooperative: Cooperative, file_name: str, content: bytes
) -> tuple[MemberImport, Report]:
    """The dry run: check every row, keep the file privately (under MEDIA_ROOT) and record the
    report, so the officer can then import all rows, or only the good ones, without uploading
    again. Imports nothing. Raises InvalidImportFile."""
    report = check_rows(cooperative=cooperative, file_name=file_name, content=content)
    stored = _stored_name(cooperative, report.checksum, file_name)
    if not default_storage.exists(stored):
        default_storage.save(stored, ContentFile(content))
    record = (
        report.already_imported
        or MemberImport.objects.filter(
            cooperative=cooperative, checksum=report.checksum, status=MemberImport.Status.CHECKED
        ).first()
    )
    if record is None:
        record = MemberImport(
            cooperative=cooperative, checksum=report.checksum, status=MemberImport.Status.CHECKED
        )
    if record.status == MemberImport.Status.CHECKED:
        record.file_name = file_name[:200]
        record.rows_total = report.rows_total
        record.report = [report.as_json()]
        record.actor_label = actor_label(actor)
        record.save()
    return record, report


def stored_content(*, member_import: MemberImport) -> bytes:
    name = _stored_name(member_import.cooperative, member_import.checksum, member_import.file_name)
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ImportFileGone() from None


@transaction.atomic
def member_import_commit(
    *,
    actor: Actor,
    cooperative: Cooperative,
    file_name: str,
    content: bytes,
    good_rows_only: bool = False,
) -> tuple[MemberImport, Report]:
    """Import the file: every row or none (default), or only the good rows (`good_rows_only`).

    Rows whose NIK is already a member of the cooperative are skipped, and a file imported
    before (same checksum) imports nothing again, so a second import creates no duplicates.
    Members become active with NIAKs in file order (the NIAK sequence advanced once, under its
    row lock). Raises InvalidImportFile, ImportHasBadRows (all-or-none with bad rows; nothing
    saved), NikTaken (a concurrent registration of one of the NIKs).
    """
    report = check_rows(cooperative=cooperative, file_name=file_name, content=content)
    if report.already_imported is not None:
        return report.already_imported, report
    if report.bad and not good_rows_only:
        raise ImportHasBadRows(count=len(report.bad))
    label = actor_label(actor)
    created = members_bulk_create(
        cooperative=cooperative,
        rows=[(g.values, g.joined_on, g.warnings) for g in report.good],
        actor_label=label,
        reason=_("Imported from %(file)s") % {"file": file_name[:150]},
    )
    record = MemberImport.objects.filter(
        cooperative=cooperative, checksum=report.checksum, status=MemberImport.Status.CHECKED
    ).first() or MemberImport(cooperative=cooperative, checksum=report.checksum)
    record.file_name = file_name[:200]
    record.status = MemberImport.Status.IMPORTED
    record.rows_total = report.rows_total
    record.rows_imported = len(created)
    record.report = [report.as_json()]
    record.actor_label = label
    record.save()
    audit_record(
        actor=actor,
        action="member.import",
        obj=record,
        after={
            "file_name": record.file_name,
            "checksum": record.checksum,
            "rows_total": report.rows_total,
            "imported": len(created),
            "bad": len(report.bad),
            "already_members": len(report.existing),
            "niak_from": created[0].number if created else None,
            "niak_to": created[-1].number if created else None,
        },
    )
    return record, report


_STATUS_COLUMNS = (
    "public_id",
    "cooperative_id",
    "member_id",
    "from_status",
    "to_status",
    "on",
    "reason",
    "actor_label",
    "created_at",
)
_KK_COLUMNS = ("public_id", "cooperative_id", "member_id", "kk_number", "valid_from", "created_at")


def members_bulk_create(
    *,
    cooperative: Cooperative,
    rows: list[tuple[dict[str, Any], date, list[dict]]],
    actor_label: str,
    reason: str,
) -> list[Member]:
    """Create active members from checked values, in bulk, NIAKs in the given order. The caller
    holds the transaction and writes the audit row (the import, the demo seed)."""
    if not rows:
        return []
    first = niak_take(cooperative=cooperative, count=len(rows))
    village = cooperative.village
    created_at = timezone.now()  # what the ORM's auto_now(_add) would set
    members = [
        Member(
            cooperative=cooperative,
            domicile=village,
            status=Member.Status.ACTIVE,
            number=first + index,
            requested_on=joined_on,
            joined_on=joined_on,
            nik_warnings=warnings,
            created_at=created_at,
            updated_at=created_at,
            **values,
        )
        for index, (values, joined_on, warnings) in enumerate(rows)
    ]
    # The members, their status and KK rows through core.bulk (plain multi-row INSERTs):
    # bulk_create spent more time preparing these instances than the database spent storing
    # them. The members' ids are read back by NIAK (one query).
    as_row = bulk.row_maker(Member)
    try:
        with transaction.atomic():
            bulk.insert(Member, [as_row(m) for m in members])
    except IntegrityError:
        raise NikTaken() from None
    by_number = dict(
        Member.objects.filter(
            cooperative=cooperative, number__gte=first, number__lt=first + len(members)
        ).values_list("number", "pk")
    )
    for m in members:
        m.pk = by_number[m.number]
        m._state.adding, m._state.db = False, Member.objects.db
    adapt, now = bulk.adapters(), bulk.db_datetime(created_at)
    bulk.insert(
        MemberStatusChange,
        [
            (
                adapt.uuid(),
                cooperative.pk,
                m.pk,
                "",
                Member.Status.ACTIVE.value,
                adapt.date(joined_on),
                reason,
                actor_label,
                now,
            )
            for m, (_, joined_on, _) in zip(members, rows, strict=True)
        ],
        names=_STATUS_COLUMNS,
    )
    bulk.insert(
        MemberKK,
        [
            (adapt.uuid(), cooperative.pk, m.pk, m.kk_number, adapt.date(joined_on), now)
            for m, (_, joined_on, _) in zip(members, rows, strict=True)
            if m.kk_number
        ],
        names=_KK_COLUMNS,
    )
    return members


def import_template(*, cooperative: Cooperative | None = None) -> bytes:
    """The .xlsx template: the header row, one example row, NIK/KK/phone columns as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kopdes.core.spreadsheet import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "Anggota"
    titles = [title for title, _aliases in COLUMNS.values()]
    append_row(sheet, titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    village = cooperative.village_id if cooperative is not None else "36.03.01.2003"
    district = village.replace(".", "")[:6]
    example = [
        1,
        "Siti Aminah",
        rules.nik_make(
            district_digits=district, sex=rules.FEMALE, birth_date=date(1985, 8, 17), serial=1
        ),
        "P",
        "Tangerang",
        "17-08-1985",
        "Kp. Contoh RT 001/RW 002",
        village,
        "081234567890",
        "Pedagang",
        f"{district}0101230001",
        "01-01-2026",
        "Kawin",
    ]
    append_row(sheet, example)
    for index, name in enumerate(COLUMNS):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(12, len(titles[index]) + 4)
        if name in ("nik", "kk_number", "phone", "birth_date", "joined_on", "domicile_code"):
            for row in range(2, 2001):  # typed as text, so Excel keeps every digit
                sheet.cell(row=row, column=index + 1).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
