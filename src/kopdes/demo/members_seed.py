"""Demo members: about 40 per cooperative, deterministic, through the members' own services.

Each cooperative seeds its own Faker from its village code (or `rng_seed`), so the members do not
depend on the order of seeding. NIKs are valid: they start with the cooperative's kecamatan code
and match each person's sex and birth date (one member has a date part one day off, to show a
NIK warning). Phone numbers are `+62813 CC TSSS nnn` (kecamatan, village, member number): unique
in the regency and apart from the officers' `+62812...` and the supervisors' `+62811...`.

The cooperative brings its members in as a treasurer would: the founders and the early joiners
as one spreadsheet (`members.imports.member_import_commit`, the Excel/CSV import: every row
checked like a registration, NIAKs in file order, which is joining order), then two people ask
at the office (`members.services.member_register`): the latest joiner is approved
(`member_approve`, the next NIAK) and one request stays pending. The member who moves away is
still active here; his resignation (`savings.services.member_resign`) comes with his savings
(`savings_seed`), on `leaving_date`.
"""

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from faker import Faker

from kopdes.cooperatives.models import Cooperative
from kopdes.members import activation, imports, rules
from kopdes.members import services as member_services
from kopdes.members.models import Member

FOUNDED_ON = date(2025, 7, 21)
FIRST_MEETING = date(2025, 8, 1)  # the founding members join together
PENDING = 1  # a request waiting for the pengurus (a second one was approved)
LEAVER = 7  # the index (in NIAK order) of the member who moves away
LEAVING = "Pindah domisili"
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


def leaving_date(member: Member) -> date:
    """When the demo's leaver moves away: four months after joining, not before mid-January."""
    if member.joined_on is None:
        raise ValueError("the leaver has not joined")
    return max(member.joined_on + timedelta(days=120), date(2026, 1, 15))


def leaver(cooperative: Cooperative) -> Member | None:
    """The member who moves away (the LEAVER-th by NIAK), if the cooperative has enough."""
    active = Member.objects.filter(cooperative=cooperative, number__isnull=False).order_by("number")
    if active.count() <= 10:
        return None
    return active[LEAVER]


def _sheet(cooperative: Cooperative, rows: list[tuple[dict, date]]) -> bytes:
    """The treasurer's spreadsheet, as the CSV an Excel export gives (";"-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([title for title, _aliases in imports.COLUMNS.values()])
    for n, (values, joined) in enumerate(rows, start=1):
        writer.writerow(
            [
                n,
                values["full_name"],
                values["nik"],
                "P" if values["sex"] == rules.FEMALE else "L",
                values["birth_place"],
                values["birth_date"].strftime("%d-%m-%Y"),
                values["address"],
                cooperative.village_id,
                values["phone"],
                values["occupation"],
                values["kk_number"],
                joined.strftime("%d-%m-%Y"),
            ]
        )
    return out.getvalue().encode()


@transaction.atomic
def seed_members(
    cooperative: Cooperative,
    *,
    count: int = 40,
    rng_seed: int | None = None,
    fake: Faker | None = None,
    actor=None,
    password_hash: str | None = None,
) -> int:
    """Seed `count` members of `cooperative`; returns how many were created. A cooperative that
    already has members is left alone (idempotent). `fake` reuses a caller's Faker("id_ID")
    (creating one costs ~25 ms); it is re-seeded here, so the result is the same either way.
    With `password_hash`, every member gets a member-app account with that password
    (`activation.member_accounts_open`)."""
    if count <= 0 or Member.objects.filter(cooperative=cooperative).exists():
        return 0
    if "village" not in cooperative._state.fields_cache:
        cooperative = Cooperative.objects.select_related("village").get(pk=cooperative.pk)
    village = cooperative.village
    fake = fake or Faker("id_ID")
    seed = rng_seed if rng_seed is not None else int(village.digits)
    fake.seed_instance(seed)
    serial_base = int(cooperative.village_id[-3:]) * 300
    people = [_person(fake, cooperative, n, serial_base) for n in range(1, count + 1)]
    for index in range(1, len(people)):  # some households: a spouse shares the KK
        if fake.random.random() < 0.15:
            people[index]["kk_number"] = people[index - 1]["kk_number"]
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
    joining = []
    span = max((date(2026, 2, 1) - FIRST_MEETING).days, 1)
    for index, values in enumerate(active):
        joined = (
            FIRST_MEETING
            if index < len(active) * 0.7
            else FIRST_MEETING + timedelta(days=fake.random.randint(1, span))
        )
        joining.append((values, joined))
    joining.sort(key=lambda row: row[1])  # NIAKs follow the joining dates
    # The last joiner came to the office and was approved; the others are in the spreadsheet.
    walk_in = joining.pop() if len(joining) > 1 else None
    if joining:
        imports.member_import_commit(
            actor=actor,
            cooperative=cooperative,
            file_name=f"anggota-{cooperative.village_id}.csv",
            content=_sheet(cooperative, joining),
        )
    # (values, asked on, approved on or None while pending)
    requests: list[tuple[dict[str, Any], date, date | None]] = [
        (values, date(2026, 2, 10) + timedelta(days=i), None)
        for i, values in enumerate(people[count - pending :])
    ]
    if walk_in is not None:
        values, joined = walk_in
        requests.insert(0, (values, joined - timedelta(days=3), joined))
    for values, on, approved_on in requests:
        member = member_services.member_register(
            actor=actor,
            cooperative=cooperative,
            full_name=values["full_name"],
            nik=values["nik"],
            sex=values["sex"],
            birth_date=values["birth_date"],
            birth_place=values["birth_place"],
            address=values["address"],
            phone=values["phone"],
            occupation=values["occupation"],
            kk_number=values["kk_number"],
            on=on,
        )
        if approved_on is not None:
            member_services.member_approve(actor=actor, member=member, on=approved_on)
    if password_hash is not None:
        activation.member_accounts_open(
            actor=actor, cooperative_id=cooperative.pk, password_hash=password_hash
        )
    return count


__all__ = ["leaver", "leaving_date", "member_phone", "seed_members"]
