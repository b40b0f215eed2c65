"""Fixtures of the security matrices; the helpers are in `security.probe`."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from security import probe

from kopdes import testing
from kopdes.accounts.models import User

probe.count_rollbacks()


@pytest.fixture(autouse=True)
def _fresh_fingerprint():
    """`probe.db_fingerprint` reuses its last reading only within one test."""
    probe.forget_fingerprint()
    yield
    probe.forget_fingerprint()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[probe.World]:
    """Built once per module in a savepoint, rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            a = probe.make_side(testing.persona_place("A"))
            b = probe.make_side(testing.persona_place("B"))
            supervisors = {
                "dinas": testing.make_supervisor(
                    agency="dinas", organisation="Dinas Probe", region_prefix="36.03"
                ),
                "kejaksaan": testing.make_supervisor(
                    agency="kejaksaan", organisation="Kejari Probe", region_prefix="36.03"
                ),
                "csr": testing.make_supervisor(
                    agency="csr", organisation="CSR Probe", cooperatives=[a.place.cooperative]
                ),
            }
            superuser = User.objects.create_superuser("+628199903001", testing.PASSWORD)
            yield probe.World(a=a, b=b, supervisors=supervisors, superuser=superuser)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
