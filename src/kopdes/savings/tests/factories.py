"""Members for savings tests, made directly (their registration is the members app's concern)."""

import itertools
from datetime import date

from kopdes.members.models import Member

_serial = itertools.count(1)


def make_member(cooperative, *, name: str = "", user=None, joined_on=date(2026, 1, 1)) -> Member:
    """An active member of `cooperative` with the next free number."""
    serial = next(_serial)
    last = Member.objects.filter(cooperative=cooperative).order_by("-number").first()
    number = (last.number or 0) + 1 if last else 1
    return Member.objects.create(
        cooperative=cooperative,
        number=number,
        full_name=name or f"Anggota {serial}",
        nik=f"360301{serial % 10**6:06d}0{serial % 1000:03d}"[:16].ljust(16, "1"),
        sex="F",
        birth_date=date(1990, 1, 1),
        address="Kp. Cangkudu RT 01/02",
        domicile_id=cooperative.village_id,
        user=user,
        status=Member.Status.ACTIVE,
        requested_on=joined_on,
        joined_on=joined_on,
    )
