"""`kopdes health assess`: every cooperative's closed year, the spread of predicates."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kopdes import testing
from kopdes.savings.tests.factories import make_member
from kopdes.supervision.models import Assessment


def test_assess_all_prints_the_spread_and_counts_the_years_not_closed(place_a, place_b):
    testing.close_shu_books(place_a, make_member(place_a.cooperative))
    out = StringIO()
    call_command("health", "assess", "--year", "2025", stdout=out)
    text = out.getvalue()
    assessment = Assessment.objects.get(cooperative=place_a.cooperative)
    assert assessment.assessed_by_label == "system"
    assert "Penilaian kesehatan 2025: 1 koperasi dinilai" in text
    assert f"{assessment.get_predicate_display()}: 1" in text
    assert "Buku 2025 belum ditutup:" in text
    assert not Assessment.objects.filter(cooperative=place_b.cooperative).exists()


def test_one_cooperative_shows_its_components(place_a):
    testing.close_shu_books(place_a, make_member(place_a.cooperative))
    out = StringIO()
    code = place_a.cooperative.village_id
    call_command("health", "assess", "--year", "2025", "--cooperative", code, stdout=out)
    assert "modal sendiri Rp1.100.000 / total aset Rp1.100.000" in out.getvalue()
    with pytest.raises(CommandError, match=r"supervision\.year_not_closed"):
        call_command("health", "assess", "--year", "2026", "--cooperative", code)
