"""Demo members: about 40 per cooperative, deterministic, fast.

Each cooperative seeds its own Faker from its village code (or `rng_seed`), so the members do not
depend on the order of seeding. NIKs are valid: they start with the cooperative's kecamatan code
and match each person's sex and birth date (one member has a date part one day off, to show a
NIK warning). Phone numbers are `+62813 CC TSSS nnn` (kecamatan, village, member number): unique
in the regency and apart from the officers' `+62812...` and the supervisors' `+62811...`. Most
members are active with NIAKs in order (the NIAK sequence advanced once), three are pending
requests and one has resigned (his savings are refunded by `savings_seed`). The rows are those of
`members.imports.members_bulk_create` (a status row and a KK row per member), written with plain
INSERTs (`demo.rows`): 40 members take about 5 ms. One audit row per cooperative.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from faker import Faker

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.demo import rows as fast
from kopdes.members import rules
from kopdes.members.models import Member, MemberKK, MemberStatusChange
from kopdes.members.services import niak_take

FOUNDED_ON = date(2025, 7, 21)
FIRST_MEETING = date(2025, 8, 1)  # the founding members join together
PENDING = 3
LEAVER = 7  # the index (in NIAK order) of the member who has resigned
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


MEMBER_COLUMNS = (
    "public_id",
    "cooperative_id",
    "number",
    "full_name",
    "nik",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "domicile_id",
    "phone",
    "occupation",
    "kk_number",
    "user_id",
    "status",
    "requested_on",
    "joined_on",
    "ended_on",
    "ktp_photo",
    "card_id",
    "nik_warnings",
    "created_at",
    "updated_at",
)


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
    # The NIKs are built from the cooperative's own kecamatan, which exists: no need to load
    # the national code list for the check that finds the one planted date warning.
    district = village.district_id.replace(".", "")
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
    joining = []
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
        joining.append((values, joined, [w.as_dict() for w in check.warnings]))
    joining.sort(key=lambda row: row[1])  # NIAKs follow the joining dates
    # What `members.imports.members_bulk_create` does (NIAKs taken once under the sequence lock,
    # a status row and a KK row per member), with plain INSERTs: bulk_create's SQL compilation
    # was most of the members' share of seeding 274 cooperatives.
    first = niak_take(cooperative=cooperative, count=len(joining))
    ad = fast.Adapt()
    now = ad.now()
    to_json = Member._meta.get_field("nik_warnings").get_db_prep_save
    public_ids = iter(ad.uuids(5 * count + 1))  # members, cards, statuses, KKs
    rows: list[tuple] = []
    history: list[tuple] = []  # (nik, from status, to status, on, reason)
    kks: list[tuple[str, str, date]] = []  # (nik, KK number, valid from)

    def add(values, number, status, requested_on, joined_on, ended_on, warnings) -> None:
        rows.append(
            (
                next(public_ids),
                cooperative.pk,
                number,
                values["full_name"],
                values["nik"],
                values["sex"],
                values["birth_place"],
                ad.date(values["birth_date"]),
                values["address"],
                cooperative.village_id,
                values["phone"],
                values["occupation"],
                values["kk_number"],
                None,  # user
                status,
                ad.date(requested_on),
                ad.date(joined_on) if joined_on else None,
                ad.date(ended_on) if ended_on else None,
                "",  # ktp_photo
                next(public_ids),  # card_id
                to_json(warnings, connection),
                now,
                now,
            )
        )
        if values["kk_number"]:
            kks.append((values["nik"], values["kk_number"], joined_on or requested_on))

    for index, (values, joined, warnings) in enumerate(joining):
        status, ended_on = Member.Status.ACTIVE, None
        if index == LEAVER and len(joining) > 10:  # one member has since moved away
            status = Member.Status.RESIGNED
            ended_on = max(joined + timedelta(days=120), date(2026, 1, 15))
        add(values, first + index, status, joined, joined, ended_on, warnings)
        history.append((values["nik"], "", Member.Status.ACTIVE, joined, "Data demo"))
        if ended_on:
            history.append((values["nik"], Member.Status.ACTIVE, status, ended_on, LEAVING))
    requested = people[count - pending :]
    for i, values in enumerate(requested):
        on = date(2026, 2, 10) + timedelta(days=i)
        add(values, None, Member.Status.REQUESTED, on, None, None, [])
        history.append((values["nik"], "", Member.Status.REQUESTED, on, ""))
    fast.insert(Member, MEMBER_COLUMNS, rows)
    ids = dict(Member.objects.filter(cooperative=cooperative).order_by().values_list("nik", "pk"))
    fast.insert(
        MemberStatusChange,
        (
            "public_id",
            "cooperative_id",
            "member_id",
            "from_status",
            "to_status",
            "on",
            "reason",
            "actor_label",
            "created_at",
        ),
        [
            (next(public_ids), cooperative.pk, ids[nik], old, new, ad.date(on), why, "demo", now)
            for nik, old, new, on, why in history
        ],
    )
    fast.insert(
        MemberKK,
        ("public_id", "cooperative_id", "member_id", "kk_number", "valid_from", "created_at"),
        [
            (next(public_ids), cooperative.pk, ids[nik], kk, ad.date(since), now)
            for nik, kk, since in kks
        ],
    )
    audit_record(
        actor=None,
        action="member.seed",
        object_type="members.member",
        cooperative_id=cooperative.pk,
        after={"members": len(rows), "requested": len(requested)},
    )
    return len(rows)


__all__ = ["member_phone", "seed_members"]
