"""mypy (run by CI with the project's [tool.mypy] config) catches a wrong call to a service."""

import textwrap
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = textwrap.dedent(
    """
    from kopdes.cooperatives.models import Cooperative
    from kopdes.members.models import Member
    from kopdes.savings.services import savings_deposit


    def pay(cooperative: Cooperative, member: Member) -> None:
        savings_deposit(
            actor=None, cooperative=cooperative, member=member, kind="wajib", amount=100
        )
        savings_deposit(
            actor=None, cooperative=cooperative, member=member, kind="wajib", amount="100"
        )
        savings_deposit(
            actor=None, cooperative=cooperative, member=member, kind="wajib", amount=100, amout=5
        )
    """
)


@pytest.mark.slow
def test_mypy_reports_a_wrong_amount_type_and_an_unknown_keyword(tmp_path, monkeypatch):
    snippet = tmp_path / "wrong_call.py"
    snippet.write_text(SNIPPET)
    monkeypatch.chdir(ROOT)  # mypy_path = "src" is read from the working directory
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--no-error-summary",
            "--hide-error-context",
            str(snippet),
        ]
    )
    errors = [line for line in stdout.splitlines() if ": error: " in line]
    assert status == 1, stdout + stderr
    assert all(line.startswith(str(snippet)) for line in errors), stdout
    assert len(errors) == 2, stdout  # the right call (amount=100) passes
    assert 'Argument "amount" to "savings_deposit" has incompatible type "str"' in errors[0]
    assert 'expected "int"' in errors[0]
    assert 'Unexpected keyword argument "amout" for "savings_deposit"' in errors[1]
