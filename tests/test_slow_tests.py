"""The `slow` tests are left out of a plain run and run in CI (tests/slow_tests.py)."""

import pytest
from slow_tests import run_slow

pytest_plugins = ["pytester"]


def test_a_plain_run_leaves_the_slow_tests_out():
    assert not run_slow("", {})
    assert not run_slow("", {"CI": "false", "KOPDES_TEST_SLOW": "0"})


@pytest.mark.parametrize(
    ("markexpr", "environ"),
    [("", {"CI": "true"}), ("", {"KOPDES_TEST_SLOW": "1"}), ("slow", {}), ("not browser", {})],
)
def test_ci_the_switch_or_a_marker_expression_runs_them(markexpr, environ):
    assert run_slow(markexpr, environ)


def test_the_left_out_tests_are_reported_as_deselected(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("KOPDES_TEST_SLOW", raising=False)
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.slow
        def test_slow():
            pass

        def test_quick():
            pass
        """
    )
    plain = pytester.runpytest("-p", "slow_tests", "-p", "no:randomly", "-p", "no:django")
    plain.assert_outcomes(passed=1, deselected=1)
    monkeypatch.setenv("CI", "true")
    ci = pytester.runpytest("-p", "slow_tests", "-p", "no:randomly", "-p", "no:django")
    ci.assert_outcomes(passed=2)
