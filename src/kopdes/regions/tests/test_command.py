"""`kopdes regions load|stats` through call_command."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kopdes.regions.models import Village
from kopdes.regions.tests.test_services import write_national

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("regions", *args, stdout=out)
    return out.getvalue()


def test_load_tangerang_twice_changes_nothing():
    output = run("load")
    assert "wilayah_kab_tangerang.csv" in output
    assert "0 created, 0 updated in" in output
    assert "274" in output


def test_load_national_from_a_file(tmp_path):
    path = write_national(tmp_path / "regions.csv.gz")
    output = run("load", "--national", "--file", str(path))
    assert "8 created, 0 updated in" in output  # 1 province, 2 regencies, 2 districts, 3 villages
    assert Village.objects.filter(code__startswith="99.").count() == 3
    assert "0 created, 0 updated in" in run("load", "--national", "--file", str(path))


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("load", "--national", "--file", str(tmp_path / "absent.csv.gz"))


def test_malformed_file_is_a_command_error(tmp_path):
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(CommandError, match="malformed"):
        run("load", "--national", "--file", str(path))


def test_file_needs_national(tmp_path):
    with pytest.raises(CommandError, match="--national"):
        run("load", "--file", str(tmp_path / "x.csv.gz"))


def test_a_subcommand_is_required():
    with pytest.raises(CommandError):
        run()


def test_stats_prints_counts_per_level():
    output = run("stats")
    for line, numbers in (
        ("provinces", ["1"]),
        ("regencies", ["1", "1 kabupaten", "0 kota"]),
        ("districts", ["29", "29 with an outline"]),
        ("villages", ["274", "246 desa", "28 kelurahan"]),
    ):
        row = next(text for text in output.splitlines() if f" {line} " in text)
        for number in numbers:
            assert number in row
