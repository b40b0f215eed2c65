"""Member import from Excel and CSV: dry run, all-or-none, good rows only, idempotent re-import."""

import io
from datetime import date, datetime

import pytest
import time_machine

from kopdes.core.models import AuditEvent
from kopdes.members import imports, services
from kopdes.members.errors import ImportHasBadRows, ImportTooLarge, InvalidImportFile
from kopdes.members.models import Member, MemberImport, MemberKK, MemberStatusChange
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

HEADER = [
    "No",
    "Nama",
    "NIK",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Alamat",
    "Kode Desa/Kelurahan",
    "No HP",
    "Pekerjaan",
    "No KK",
    "Tanggal Masuk",
]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(n, *, sex="P", born=date(1980, 5, 4), **change):
    nik = nik_make(
        district_digits="360301", sex="F" if sex == "P" else "M", birth_date=born, serial=n
    )
    values = {
        "No": n,
        "Nama": f"Anggota {n}",
        "NIK": nik,
        "Jenis Kelamin": sex,
        "Tempat Lahir": "Tangerang",
        "Tanggal Lahir": born.strftime("%d-%m-%Y"),
        "Alamat": f"Kp. Cangkudu RT {n:03d}",
        "Kode Desa/Kelurahan": "",
        "No HP": f"0813{n:08d}",
        "Pekerjaan": "Petani",
        "No KK": f"360301{n:010d}",
        "Tanggal Masuk": "01-02-2026",
    }
    values.update(change)
    return values


def csv_file(rows, delimiter=";") -> bytes:
    lines = [delimiter.join(HEADER)]
    lines += [delimiter.join(str(r[h]) for h in HEADER) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_file(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Daftar Anggota Koperasi"])  # a title row above the header, as treasurers do
    sheet.append(HEADER)
    for r in rows:
        sheet.append([r[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [row(n) for n in range(1, 6)]
BAD = [
    row(6, NIK="3603014005800006"),  # day 40: neither a man's nor a woman's
    row(7, **{"Jenis Kelamin": "X"}),
    row(8, **{"Kode Desa/Kelurahan": "36.03.13.2001"}),  # lives in Teluknaga
    row(9, **{"Tanggal Lahir": "31-31-1980"}),
    row(10, **{"No HP": "12345"}),
]


def test_dry_run_lists_every_bad_row_and_saves_no_member(place_a):
    content = csv_file(GOOD[:2] + BAD + GOOD[2:])
    record, report = imports.member_import_check(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.csv",
        content=content,
    )
    assert Member.objects.count() == 0
    assert record.status == "checked" and record.rows_total == 10
    assert [b["row"] for b in report.bad] == [4, 5, 6, 7, 8]
    assert [len(g.values) > 0 for g in report.good] == [True] * 5
    problems = {b["row"]: " ".join(b["problems"]) for b in report.bad}
    assert "NIK" in problems[4]
    assert "Jenis Kelamin" in problems[5]
    assert "Teluknaga" not in problems[6] and "36.03.13.2001" in problems[6]
    assert "Tanggal Lahir" in problems[7]
    assert "No HP" in problems[8]
    assert all(b["nik"].count("*") == 10 for b in report.bad)  # masked in the stored report
    assert record.report[0]["bad"] == report.bad


def test_all_or_none_refuses_a_file_with_bad_rows(place_a):
    content = csv_file(GOOD + BAD)
    with pytest.raises(ImportHasBadRows):
        imports.member_import_commit(
            actor=place_a.sekretaris,
            cooperative=place_a.cooperative,
            file_name="a.csv",
            content=content,
        )
    assert Member.objects.count() == 0
    assert not MemberImport.objects.filter(status="imported").exists()


def test_good_rows_only_in_file_order(place_a):
    content = csv_file(GOOD[:2] + BAD + GOOD[2:])
    record, _report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.csv",
        content=content,
        good_rows_only=True,
    )
    assert (record.status, record.rows_total, record.rows_imported) == ("imported", 10, 5)
    members = list(Member.objects.order_by("number"))
    assert [(m.number, m.full_name) for m in members] == [(n, f"Anggota {n}") for n in range(1, 6)]
    first = members[0]
    assert (first.status, first.joined_on, first.sex, first.phone) == (
        "active",
        date(2026, 2, 1),
        "F",
        "+62813" + "00000001",
    )
    assert MemberStatusChange.objects.filter(to_status="active").count() == 5
    assert MemberKK.objects.count() == 5
    audit = AuditEvent.objects.get(action="member.import")
    assert audit.after["imported"] == 5 and audit.after["niak_to"] == 5
    # the NIAK sequence moved once, to the end: the next approval continues from 6
    later = services.member_register(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        approve=True,
        full_name="Baru",
        nik=nik_make(district_digits="360301", sex="M", birth_date=date(1990, 1, 1), serial=99),
        sex="M",
        birth_date=date(1990, 1, 1),
        address="Jl. 1",
    )
    assert later.number == 6


def test_importing_the_same_file_twice_creates_no_duplicates(place_a):
    content = xlsx_file(GOOD)
    first, _ = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.xlsx",
        content=content,
    )
    again, report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.xlsx",
        content=content,
    )
    assert again.pk == first.pk and report.already_imported == first
    assert Member.objects.count() == 5
    # A different file with the same people and one more: only the new one comes in.
    _, report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="b.csv",
        content=csv_file([*GOOD, row(11)]),
    )
    assert [e["row"] for e in report.existing] == [2, 3, 4, 5, 6]
    assert Member.objects.count() == 6
    assert Member.objects.get(full_name="Anggota 11").number == 6


def test_xlsx_with_excel_dates_and_numbers(place_a):
    rows = [
        row(1, **{"Tanggal Lahir": datetime(1980, 5, 4), "No HP": 81300000001}),  # noqa: DTZ001 - Excel dates are naive
        row(2, NIK=3603014405800002),  # a NIK typed as a number has lost digits in Excel
    ]
    _, report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.xlsx",
        content=xlsx_file(rows),
        good_rows_only=True,
    )
    member = Member.objects.get()
    assert (member.birth_date, member.phone) == (date(1980, 5, 4), "+6281300000001")
    assert report.bad[0]["row"] == 4 and "Text" in report.bad[0]["problems"][0]


def test_duplicate_nik_inside_the_file(place_a):
    _, report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.csv",
        content=csv_file([row(1), row(1, Nama="Kembar")], delimiter=","),
        good_rows_only=True,
    )
    assert Member.objects.count() == 1
    assert "row 2" in report.bad[0]["problems"][0] or "baris 2" in report.bad[0]["problems"][0]


def test_warnings_are_kept_on_imported_members(place_a):
    imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.csv",
        content=csv_file([row(1, **{"Tanggal Lahir": "05-05-1980"})]),
    )
    assert [w["code"] for w in Member.objects.get().nik_warnings] == ["nik.date_mismatch"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", b""),
        ("a.pdf", b"%PDF-1.4"),
        ("a.xlsx", b"PK\x03\x04 not really a workbook"),
        ("a.csv", b"Nama;Alamat\nBudi;Jl. 1\n"),
    ],
)
def test_unreadable_files(place_a, name, content):
    with pytest.raises(InvalidImportFile) as caught:
        imports.member_import_check(
            actor=place_a.sekretaris,
            cooperative=place_a.cooperative,
            file_name=name,
            content=content,
        )
    assert caught.value.fields["file"]


def test_the_template_imports_cleanly(place_a):
    content = imports.import_template(cooperative=place_a.cooperative)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [*HEADER, "Status Perkawinan"]
    _, report = imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="template.xlsx",
        content=content,
    )
    assert report.bad == [] and Member.objects.get().full_name == "Siti Aminah"


def test_a_few_thousand_rows_in_few_queries(place_a, django_assert_max_num_queries):
    rows = [row(n, born=date(1960 + n % 40, 1 + n % 12, 1 + n % 28)) for n in range(1, 2001)]
    content = csv_file(rows)
    with django_assert_max_num_queries(150):  # bulk: batches, not rows
        record, _ = imports.member_import_commit(
            actor=place_a.sekretaris,
            cooperative=place_a.cooperative,
            file_name="big.csv",
            content=content,
        )
    assert record.rows_imported == 2000
    assert Member.objects.filter(number=2000).exists()


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+62 Siti", "-1+1", "@SUM(A1)"])
def test_a_name_that_a_spreadsheet_would_run_is_refused(place_a, name):
    content = csv_file([row(1), row(2, Nama=name)])
    report = imports.check_rows(cooperative=place_a.cooperative, file_name="f.csv", content=content)
    assert [b["row"] for b in report.bad] == [3]
    assert "=, +, - " in " ".join(report.bad[0]["problems"])
    assert len(report.good) == 1


def test_the_row_limit_is_checked_while_reading(place_a, monkeypatch):
    """A huge workbook is refused after MAX_ROWS rows have been read, not after all of them."""
    import openpyxl

    read = []

    class Sheet:
        def iter_rows(self, values_only=True):
            yield tuple(HEADER)
            n = 0
            while True:
                n += 1
                read.append(n)
                yield tuple(row(n % 9000 + 1)[h] for h in HEADER)

    class Book:
        worksheets = [Sheet()]

        def close(self):
            pass

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: Book())
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    with pytest.raises(ImportTooLarge) as caught:
        imports.check_rows(
            cooperative=place_a.cooperative, file_name="big.xlsx", content=b"PK\x03\x04"
        )
    assert len(read) <= 50 + imports.HEADER_SEARCH + 1
    assert caught.value.code == "member.import_too_large"


def test_a_married_sixteen_year_old_imports_with_the_marital_status(place_a):
    born = date(2010, 1, 5)
    content = csv_file([row(1, born=born), row(2, born=born)]).decode()
    lines = content.splitlines()
    lines[0] += ";Status Perkawinan"
    lines[1] += ";Belum Kawin"
    lines[2] += ";Kawin"
    report = imports.check_rows(
        cooperative=place_a.cooperative, file_name="f.csv", content="\n".join(lines).encode()
    )
    assert [b["row"] for b in report.bad] == [2]
    assert [g.values["marital_status"] for g in report.good] == ["kawin"]


def test_imported_members_are_stored_as_the_orm_stores_them(place_a, place_b):
    """The import writes its members through core.bulk: each row as stored is the row Django's
    `bulk_create` stores for the same member (JSON warnings, the empty KTP photo, dates)."""
    import copy
    import uuid

    from django.db import connection

    imports.member_import_commit(
        actor=place_a.sekretaris,
        cooperative=place_a.cooperative,
        file_name="a.csv",
        content=csv_file([row(1, **{"Tanggal Lahir": "05-05-1980"}), row(2)]),
    )
    imported = list(Member.objects.filter(cooperative=place_a.cooperative).order_by("number"))
    assert imported[0].nik_warnings and not imported[1].nik_warnings
    twins = []
    for member in imported:
        twin = copy.copy(member)
        twin.pk, twin.cooperative, twin._state = None, place_b.cooperative, type(member._state)()
        twin.public_id, twin.card_id = uuid.uuid4(), uuid.uuid4()  # unique platform-wide
        twins.append(twin)
    Member.objects.bulk_create(twins)
    Member.objects.filter(pk__in=[t.pk for t in twins]).update(
        created_at=imported[0].created_at, updated_at=imported[0].updated_at
    )
    table = connection.ops.quote_name(Member._meta.db_table)
    skip = {"id", "cooperative_id", "public_id", "card_id"}
    names = [f.column for f in Member._meta.concrete_fields if f.column not in skip]
    listed = ", ".join(connection.ops.quote_name(n) for n in names)

    def stored(cooperative):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {listed} FROM {table} WHERE cooperative_id = %s ORDER BY number",  # noqa: S608
                [cooperative.pk],
            )
            return cursor.fetchall()

    assert stored(place_a.cooperative) == stored(place_b.cooperative)
