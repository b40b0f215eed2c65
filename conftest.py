"""Two cooperatives of personas (and the supervisors around them) for every test.

coop_a: Koperasi Desa Merah Putih Cangkudu (Balaraja, 36.03.01.2003)
coop_b: Koperasi Desa Merah Putih Teluknaga (Teluknaga, 36.03.13.2001)
Each has ketua, sekretaris, bendahara, manajer, kasir, kepala_desa (chairs the pengawas),
pengawas and anggota. Supervisors: the regency's Dinas (36.03), a kecamatan officer for
Balaraja (36.03.01), the Kejaksaan (read-only), and a CSR partner funding coop A only.
"""

import pytest
from faker import Faker

from kopdes import testing


@pytest.fixture(autouse=True)
def _seeded_faker():
    Faker.seed(20251206)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's language: a request by an English-reading person
    leaves English active in the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def place_a(db) -> testing.Place:
    return testing.make_place("36.03.01.2003", "A")


@pytest.fixture
def place_b(db) -> testing.Place:
    return testing.make_place("36.03.13.2001", "B")


@pytest.fixture
def coop_a(place_a):
    return place_a.cooperative


@pytest.fixture
def coop_b(place_b):
    return place_b.cooperative


@pytest.fixture
def dinas(db):
    return testing.make_supervisor(
        agency="dinas", organisation="Dinas Koperasi Kab. Tangerang", region_prefix="36.03"
    )


@pytest.fixture
def camat_balaraja(db):
    return testing.make_supervisor(
        agency="dinas", organisation="Kecamatan Balaraja", region_prefix="36.03.01"
    )


@pytest.fixture
def kejaksaan(db):
    return testing.make_supervisor(
        agency="kejaksaan", organisation="Kejari Kab. Tangerang", region_prefix="36.03"
    )


@pytest.fixture
def csr_a(coop_a):
    return testing.make_supervisor(agency="csr", organisation="CSR Partner", cooperatives=[coop_a])


@pytest.fixture
def outsider(db):
    return testing.make_person(full_name="Orang Luar")


@pytest.fixture
def cross_tenant():
    return testing.assert_cross_tenant
