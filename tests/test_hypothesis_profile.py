"""The Hypothesis profile of the suite (root conftest): no deadline, since a deadline is a timed
assertion that fails on a busy machine (docs/testing.md)."""

from hypothesis import given, settings
from hypothesis import strategies as st


def test_no_deadline_by_default():
    assert settings.default.deadline is None
    assert settings.get_profile("ci").deadline is None


@given(st.integers())
def test_a_property_without_its_own_settings_has_no_deadline(number):
    assert settings.default.deadline is None and isinstance(number, int)
