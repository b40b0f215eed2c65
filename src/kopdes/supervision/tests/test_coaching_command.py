"""`kopdes coaching findings`: the open findings, one cooperative's, the overdue ones."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kopdes.core import clock
from kopdes.supervision import coaching
from kopdes.supervision.tests.factories import make_coaching


def _run(*args) -> str:
    out = StringIO()
    call_command("coaching", "findings", *args, stdout=out)
    return out.getvalue()


def test_findings_open_overdue_and_of_one_cooperative(coop_a, coop_b):
    make_coaching(coop_a)
    past = clock.today() - timedelta(days=20)
    late = coaching.finding_raise(
        actor=None,
        cooperative=coop_b,
        title="RAT belum dilaksanakan",
        recommendation="Jadwalkan RAT",
        owner_role="ketua",
        raised_on=past,
        deadline=past + timedelta(days=5),
    )
    text = _run()
    assert "Kas di tangan melebihi batas" in text and late.title in text
    assert "TERLAMBAT 15 hari" in text and "Temuan: 2, terlambat: 1" in text
    text = _run("--overdue")
    assert "Kas di tangan" not in text and "Temuan: 1, terlambat: 1" in text
    text = _run("--cooperative", coop_a.village_id)
    assert late.title not in text and "Temuan: 1, terlambat: 0" in text
    coaching.finding_close(actor=None, finding=late, note="RAT terlaksana")
    assert "Temuan: 1," in _run() and "Temuan: 2," in _run("--all")
    with pytest.raises(CommandError):
        _run("--cooperative", "99.99.99.9999")
