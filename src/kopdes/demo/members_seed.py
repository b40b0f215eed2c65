"""Demo members: about 40 per cooperative, deterministic, fast.

Each cooperative seeds its own Faker from its village code (or `rng_seed`), so the members do not
depend on the order of seeding. NIKs are valid: they start with the cooperative's kecamatan code
and match each person's sex and birth date (one member has a date part one day off, to show a
NIK warning). Phone numbers are `+62813 CC TSSS nnn` (kecamatan, village, member number): unique
in the regency and apart from the officers' `+62812...` and the supervisors' `+62811...`. Most
members are active with NIAKs in order (written in bulk, the NIAK sequence advanced once), three
are pending requests and one has resigned. One audit row per cooperative.
"""

from datetime import date, timedelta

from django.db import transaction
from faker import Faker

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.members import rules
from kopdes.members.imports import members_bulk_create
from kopdes.members.models import Member, MemberKK, MemberStatusChange

FOUNDED_ON = date(2025, 7, 21)
FIRST_MEETING = date(2025, 8, 1)  # the founding members join together
PENDING = 3
OCCUPATIONS = [
    "Petani",
    "Buruh pabrik",
    "Pedagang",
    "Nelayan",
    "Peternak",
    "Ibu rumah tangga",
    "Pengemudi ojek",
    "Karyawan swasta",
    "Guru honorer",
    "Wiraswasta",
]


def member_phone(village_code: str, n: int) -> str:
    """+62813 CC TSSS nnn: 12 digits after +62, within the 9-12 of an Indonesian mobile."""
    _province, _regency, district, village = village_code.split(".")
    return f"+62813{district}{village}{n % 1000:03d}"


def _person(fake: Faker, cooperative: Cooperative, n: int, serial_base: int) -> dict:
    sex = rules.FEMALE if fake.random.random() < 0.5 else rules.MALE
    born = fake.date_between(start_date=date(1956, 1, 1), end_date=date(2006, 1, 1))
    district = cooperative.village.district_id.replace(".", "")
    serial = (serial_base + n) % 9999 + 1
    return {
        "full_name": fake.name_female() if sex == rules.FEMALE else fake.name_male(),
        "nik": rules.nik_make(district_digits=district, sex=sex, birth_date=born, serial=serial),
        "sex": sex,
        "birth_date": born,
        "birth_place": fake.random.choice(["Tangerang", "Tangerang", "Serang", "Jakarta", "Bogor"]),
        "address": (
            f"Kp. {fake.last_name()} RT {fake.random.randint(1, 12):03d}/"
            f"RW {fake.random.randint(1, 6):03d}"
        ),
        "phone": member_phone(cooperative.village_id, n) if n < 1000 else "",
        "occupation": fake.random.choice(OCCUPATIONS),
        "kk_number": f"{district}{fake.random.randint(1, 10**10 - 1):010d}",
    }


@transaction.atomic
def seed_members(
    cooperative: Cooperative,
    *,
    count: int = 40,
    rng_seed: int | None = None,
    fake: Faker | None = None,
) -> int:
    """Seed `count` members of `cooperative`; returns how many were created. A cooperative that
    already has members is left alone (idempotent). `fake` reuses a caller's Faker("id_ID")
    (creating one costs ~25 ms); it is re-seeded here, so the result is the same either way."""
    if count <= 0 or Member.objects.filter(cooperative=cooperative).exists():
        return 0
    cooperative = Cooperative.objects.select_related("village__district").get(pk=cooperative.pk)
    fake = fake or Faker("id_ID")
    seed = rng_seed if rng_seed is not None else int(cooperative.village.digits)
    fake.seed_instance(seed)
    serial_base = int(cooperative.village_id[-3:]) * 300
    people = [_person(fake, cooperative, n, serial_base) for n in range(1, count + 1)]
    for index in range(1, len(people)):  # some households: a spouse shares the KK
        if fake.random.random() < 0.15:
            people[index]["kk_number"] = people[index - 1]["kk_number"]
    # The NIKs are built from the cooperative's own kecamatan, which exists: no need to load
    # the national code list for the check that finds the one planted date warning.
    district = cooperative.village.district_id.replace(".", "")
    known = rules.KnownRegions(
        provinces=frozenset({district[:2]}),
        regencies=frozenset({district[:4]}),
        districts=frozenset({district}),
    )
    pending = min(PENDING, max(count - 1, 0))
    active = people[: count - pending]
    if len(active) > 5:  # one KTP whose date part is a day off: shown as a warning
        odd = active[4]
        born = odd["birth_date"]
        shifted = born + timedelta(days=1) if born.day < 28 else born - timedelta(days=1)
        odd["nik"] = (
            odd["nik"][:6]
            + rules.nik_date_part(sex=odd["sex"], birth_date=shifted)
            + odd["nik"][12:]
        )
    rows = []
    span = max((date(2026, 2, 1) - FIRST_MEETING).days, 1)
    for index, values in enumerate(active):
        check = rules.nik_check(
            values["nik"], sex=values["sex"], birth_date=values["birth_date"], known=known
        )
        joined = (
            FIRST_MEETING
            if index < len(active) * 0.7
            else FIRST_MEETING + timedelta(days=fake.random.randint(1, span))
        )
        rows.append((values, joined, [w.as_dict() for w in check.warnings]))
    rows.sort(key=lambda row: row[1])  # NIAKs follow the joining dates
    created = members_bulk_create(
        cooperative=cooperative, rows=rows, actor_label="demo", reason="Data demo"
    )
    if len(created) > 10:
        leaver = created[7]
        ended_on = max(leaver.joined_on + timedelta(days=120), date(2026, 1, 15))
        Member.objects.filter(pk=leaver.pk).update(status=Member.Status.RESIGNED, ended_on=ended_on)
        MemberStatusChange.objects.create(
            cooperative=cooperative,
            member=leaver,
            from_status=Member.Status.ACTIVE,
            to_status=Member.Status.RESIGNED,
            on=ended_on,
            reason="Pindah domisili",
            actor_label="demo",
        )
    requests = [
        Member(
            cooperative=cooperative,
            domicile=cooperative.village,
            status=Member.Status.REQUESTED,
            requested_on=date(2026, 2, 10) + timedelta(days=i),
            **values,
        )
        for i, values in enumerate(people[count - pending :])
    ]
    Member.objects.bulk_create(requests)
    MemberStatusChange.objects.bulk_create(
        [
            MemberStatusChange(
                cooperative=cooperative,
                member=m,
                from_status="",
                to_status=Member.Status.REQUESTED,
                on=m.requested_on,
                actor_label="demo",
            )
            for m in requests
        ]
    )
    MemberKK.objects.bulk_create(
        [
            MemberKK(
                cooperative=cooperative, member=m, kk_number=m.kk_number, valid_from=m.requested_on
            )
            for m in requests
        ]
    )
    audit_record(
        actor=None,
        action="member.seed",
        object_type="members.member",
        cooperative_id=cooperative.pk,
        after={"members": len(created) + len(requests), "requested": len(requests)},
    )
    return len(created) + len(requests)


__all__ = ["member_phone", "seed_members"]
