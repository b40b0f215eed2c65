"""`kopdes loans simulate` prints exactly what the schedule engine returns."""

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kopdes.loans.schedule import schedule


def simulate(capsys, *args):
    call_command("loans", "simulate", *args)
    return capsys.readouterr().out


@pytest.mark.parametrize("method", ["flat", "efektif", "anuitas"])
def test_json_is_the_engines_schedule(capsys, method):
    out = simulate(
        capsys,
        *("--principal", "7.500.000", "--annual-rate", "18.5", "--months", "10"),
        *("--method", method, "--grace", "2", "--start", "2026-01-31", "--json"),
    )
    rows = schedule(
        principal=7_500_000,
        annual_rate=Decimal("18.5"),
        months=10,
        method=method,
        start=date(2026, 1, 31),
        grace_months=2,
    )
    assert json.loads(out) == [
        {
            "number": r.number,
            "due_date": r.due_date.isoformat(),
            "principal": r.principal,
            "interest": r.interest,
            "installment": r.installment,
            "outstanding": r.outstanding,
        }
        for r in rows
    ]


def test_table_shows_every_row_the_totals_and_the_flat_effective_rate(capsys):
    out = simulate(
        capsys,
        *("--principal", "10000000", "--annual-rate", "12", "--months", "12"),
        *("--method", "flat", "--start", "2026-03-15"),
    )
    lines = out.splitlines()
    assert lines[0].split() == [
        "no",
        "due",
        "date",
        "principal",
        "interest",
        "installment",
        "outstanding",
    ]
    assert lines[1].split() == ["1", "2026-04-15", "833.333", "100.000", "933.333", "9.166.667"]
    assert lines[12].split() == ["12", "2027-03-15", "833.337", "100.000", "933.337", "0"]
    assert lines[13].split() == ["total", "10.000.000", "1.200.000", "11.200.000"]
    assert lines[14] == "effective annual rate: 21.46%"
    assert len(lines) == 15


def test_no_effective_rate_line_for_efektif(capsys):
    out = simulate(
        capsys,
        "--principal",
        "1000000",
        "--annual-rate",
        "12",
        "--months",
        "3",
        "--method",
        "efektif",
    )
    assert "effective annual rate" not in out and len(out.splitlines()) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--annual-rate", "25"), "loans.invalid_rate: "),
        (("--annual-rate", "dua belas"), "loans.invalid_rate: "),
        (("--principal", "0"), "loans.invalid_principal: "),
        (("--principal", "1,5"), "loans.invalid_principal: "),
        (("--months", "0"), "loans.invalid_months: "),
        (("--months", "1.5"), "loans.invalid_months: "),
        (("--method", "balon"), "loans.invalid_method: "),
        (("--grace", "12"), "loans.invalid_grace: "),
        (("--start", "31-01-2026"), "--start: not a date"),
    ],
)
def test_bad_terms_are_one_line_with_the_code(args, message):
    terms = {"--principal": "1000000", "--annual-rate": "12", "--months": "12", "--method": "flat"}
    terms.update(dict([args]))
    with pytest.raises(CommandError) as refused:
        call_command("loans", "simulate", *[x for pair in terms.items() for x in pair])
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_missing_terms_are_named():
    with pytest.raises(CommandError, match=r"Give --annual-rate, --method\."):
        call_command("loans", "simulate", "--principal", "1000000", "--months", "12")


TERMS = ("--principal", "1000000", "--months", "12", "--method", "flat")


def test_the_console_exits_non_zero_with_one_line():
    refused = subprocess.run(
        [sys.executable, "-m", "kopdes.cli", "loans", "simulate", *TERMS, "--annual-rate", "30"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "", "KOPDES_DATA_DIR": "/nonexistent-kopdes", "LANG": "C"},
    )
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "CommandError: loans.invalid_rate: Suku bunga (jasa) harus antara 0% dan 24% setahun."
    ]
