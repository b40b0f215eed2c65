"""The demo's SHU of one cooperative: simulated only, or approved, posted and paid."""

from kopdes import testing
from kopdes.demo.shu_seed import shu_seed_cooperative
from kopdes.savings import selectors as savings_selectors
from kopdes.savings.tests.factories import make_member
from kopdes.shu.models import ShuYear


def test_simulated_without_a_resolution_then_distributed_with_one(place_a):
    coop = place_a.cooperative
    member = make_member(coop, name="Siti")
    testing.close_shu_books(place_a, member)
    simulated = shu_seed_cooperative(coop)
    assert simulated is not None and simulated.status == "simulated"
    assert simulated.simulated_by == place_a.bendahara
    paid = shu_seed_cooperative(coop, rat_resolution="RAT/2026/01")
    assert paid is not None and paid.status == "paid" and paid.posted_by == place_a.ketua
    assert paid.resolution == "RAT/2026/01"
    assert all(r.difference == 0 for r in savings_selectors.reconciliation(cooperative=coop))
    # Run again: nothing changes.
    again = shu_seed_cooperative(coop, rat_resolution="RAT/2026/01")
    assert again is not None and again.pk == paid.pk
    assert ShuYear.objects.filter(cooperative=coop).count() == 1


def test_a_year_without_a_surplus_gives_none(place_a):
    from kopdes.ledger import services as ledger

    ledger.year_end_close(actor=None, cooperative=place_a.cooperative, year=2025)
    assert shu_seed_cooperative(place_a.cooperative) is None
