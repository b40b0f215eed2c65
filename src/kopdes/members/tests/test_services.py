"""Membership services: registration, approval (NIAK), rejection, status changes, KK, KTP photo."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from kopdes import testing
from kopdes.core.models import AuditEvent
from kopdes.members import services
from kopdes.members.errors import (
    AlreadyRequested,
    InvalidKtpPhoto,
    InvalidMember,
    NikTaken,
    NoCooperativeHere,
    OutsideVillage,
    StatusChangeNotAllowed,
    UnknownVillage,
)
from kopdes.members.models import Member, MemberKK, MemberStatusChange
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(n: int = 1, *, sex: str = "F", born: date = date(1985, 3, 7), **extra) -> dict:
    data = {
        "full_name": f"Siti Aminah {n}",
        "nik": nik_make(district_digits="360301", sex=sex, birth_date=born, serial=n),
        "sex": sex,
        "birth_date": born,
        "birth_place": "Tangerang",
        "address": f"Kp. Cangkudu RT 0{n % 9 + 1}/RW 02",
        "phone": f"0813 9000 {n:04d}",
        "occupation": "Pedagang",
        "kk_number": f"360301{n:010d}",
    }
    data.update(extra)
    return data


def register(place, n=1, approve=False, **extra) -> Member:
    return services.member_register(
        actor=place.sekretaris,
        cooperative=place.cooperative,
        approve=approve,
        **person(n, **extra),
    )


def test_register_then_approve(place_a):
    member = register(place_a)
    assert (member.status, member.number, member.joined_on) == ("requested", None, None)
    assert member.phone == "+6281390000001"
    assert member.domicile_id == "36.03.01.2003" and member.nik_warnings == []
    approved = services.member_approve(actor=place_a.ketua, member=member)
    assert (approved.status, approved.number, approved.niak) == ("active", 1, "0001")
    assert approved.joined_on == TODAY
    changes = [
        (c.from_status, c.to_status)
        for c in MemberStatusChange.objects.filter(member=member).order_by("id")
    ]
    assert changes == [("", "requested"), ("requested", "active")]
    assert list(MemberKK.objects.filter(member=member).values_list("kk_number", flat=True)) == [
        "3603010000000001"
    ]


def test_every_write_is_audited_with_identity_numbers_masked(place_a):
    member = register(place_a, approve=True)
    events = AuditEvent.objects.filter(object_id=str(member.public_id)).order_by("id")
    assert [e.action for e in events] == ["member.register", "member.approve"]
    after = events[0].after
    assert after["nik"] == "3603**********01"
    assert after["kk_number"].startswith("3603") and "*" in after["kk_number"]
    assert "*" in after["phone"] and after["phone"] != member.phone


def test_niak_is_gapless_and_rejections_take_no_number(place_a):
    first, second, third = (register(place_a, n) for n in (1, 2, 3))
    services.member_approve(actor=place_a.ketua, member=first)
    services.member_reject(actor=place_a.ketua, member=second, reason="Tidak berdomisili")
    services.member_approve(actor=place_a.ketua, member=third)
    numbers = list(
        Member.objects.filter(cooperative=place_a.cooperative, number__isnull=False)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == [1, 2]


def test_niak_counts_per_cooperative(place_a, place_b):
    register(place_a, 1, approve=True)
    other = services.member_register(
        actor=place_b.sekretaris,
        cooperative=place_b.cooperative,
        approve=True,
        **person(
            2,
            nik=nik_make(district_digits="360313", sex="F", birth_date=date(1985, 3, 7), serial=2),
        ),
    )
    assert other.number == 1


def test_approving_twice_is_refused(place_a):
    member = register(place_a, approve=True)
    with pytest.raises(StatusChangeNotAllowed):
        services.member_approve(actor=place_a.ketua, member=member)


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"nik": "360301470385001"}, InvalidMember, "nik"),
        ({"nik": "3603010703850001"}, InvalidMember, "nik"),  # a man's day for a woman
        ({"nik": "9903014703850001"}, InvalidMember, "nik"),
        ({"nik": "3699014703850001"}, InvalidMember, "nik"),
        ({"nik": "3603014713850001"}, InvalidMember, "nik"),
        ({"nik": "3603014703850000"}, InvalidMember, "nik"),
        ({"full_name": "  "}, InvalidMember, "full_name"),
        ({"full_name": "Budi\x00"}, InvalidMember, "full_name"),  # PostgreSQL refuses NUL
        ({"address": ""}, InvalidMember, "address"),
        ({"sex": "X"}, InvalidMember, "sex"),
        ({"birth_date": date(2027, 1, 1)}, InvalidMember, "birth_date"),
        ({"phone": "12345"}, InvalidMember, "phone"),
        ({"kk_number": "1234"}, InvalidMember, "kk_number"),
        ({"domicile_code": "36.03.13.2001"}, OutsideVillage, None),
        ({"domicile_code": "36.99.99.2999"}, UnknownVillage, "domicile_code"),
        ({"ktp_photo": b"GIF89a" + b"\x00" * 50}, InvalidKtpPhoto, "ktp_photo"),
        ({"ktp_photo": JPEG + b"\x00" * (2 * 1024 * 1024)}, InvalidKtpPhoto, "ktp_photo"),
    ],
)
def test_refusals_save_nothing(place_a, change, error, field, tmp_path):
    audits = AuditEvent.objects.count()
    data = person(1)
    data.update(change)
    with pytest.raises(error) as caught:
        services.member_register(actor=place_a.sekretaris, cooperative=place_a.cooperative, **data)
    if field:
        assert field in caught.value.fields
        assert all(caught.value.fields[field])
    assert caught.value.render()
    assert Member.objects.count() == 0
    assert MemberStatusChange.objects.count() == 0 and MemberKK.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))


def test_outside_village_says_why(place_a):
    with pytest.raises(OutsideVillage) as caught:
        register(place_a, domicile_code="3603132001")
    text = caught.value.render()
    assert "Cangkudu" in text and "Teluknaga" in text


def test_a_nik_at_most_once_per_cooperative(place_a):
    register(place_a, 1)
    with pytest.raises(NikTaken):
        register(place_a, 1, full_name="Orang Lain")
    assert Member.objects.count() == 1


def test_a_rejected_request_frees_the_nik(place_a):
    member = register(place_a, 1)
    services.member_reject(actor=place_a.ketua, member=member, reason="Berkas kurang")
    again = register(place_a, 1)
    assert again.status == "requested"


def test_reject_needs_a_reason(place_a):
    member = register(place_a, 1)
    with pytest.raises(InvalidMember):
        services.member_reject(actor=place_a.ketua, member=member, reason=" ")
    member.refresh_from_db()
    assert member.status == "requested"


def test_warnings_are_stored_not_refused(place_a):
    # kecamatan 36.03.99 does not exist today; the date part says 8 March, the KTP 7 March
    member = register(place_a, 1, nik="3603994803850001")
    codes = [w["code"] for w in member.nik_warnings]
    assert codes == ["nik.district_unknown", "nik.date_mismatch"]


def test_a_nik_from_another_province_is_accepted(place_a):
    # a Jakarta NIK (31.71 Jakarta Pusat): people move; the national code list knows it
    member = register(place_a, 1, nik="3171014703850001")
    assert member.nik_warnings == []


def test_nothing_is_said_about_another_cooperatives_members(place_a, place_b):
    data = person(7)
    services.member_register(
        actor=place_b.sekretaris,
        cooperative=place_b.cooperative,
        approve=True,
        **{**data, "domicile_code": None},
    )
    member = services.member_register(
        actor=place_a.sekretaris, cooperative=place_a.cooperative, **data
    )
    # The officer of A may not know who is a member in B: the same answer as for a new NIK.
    assert member.nik_warnings == []
    assert place_b.cooperative.name not in str(member.nik_warnings)


def test_status_workflow(place_a):
    member = register(place_a, 1, approve=True)
    ended = services.member_status_change(
        actor=place_a.ketua,
        member=member,
        status="resigned",
        on=TODAY,
        reason="Pindah domisili",
    )
    assert (ended.status, ended.ended_on) == ("resigned", TODAY)
    last = MemberStatusChange.objects.filter(member=member).order_by("id").last()
    assert (last.from_status, last.to_status, last.reason) == (
        "active",
        "resigned",
        "Pindah domisili",
    )
    with pytest.raises(StatusChangeNotAllowed):
        services.member_status_change(
            actor=place_a.ketua, member=member, status="expelled", on=TODAY, reason="x"
        )


@pytest.mark.parametrize("target", ["active", "requested", "rejected", "resigned"])
def test_requested_members_cannot_change_status_here(place_a, target):
    member = register(place_a, 1)
    with pytest.raises(StatusChangeNotAllowed):
        services.member_status_change(
            actor=place_a.ketua, member=member, status=target, on=TODAY, reason="x"
        )


@pytest.mark.parametrize(
    ("on", "reason", "field"),
    [(TODAY, "", "reason"), (date(2026, 3, 1), "x", "on"), (date(2026, 4, 1), "x", "on")],
)
def test_status_change_needs_a_reason_and_a_sensible_date(place_a, on, reason, field):
    member = register(place_a, 1, approve=True)
    member.joined_on = date(2026, 3, 2)
    Member.objects.filter(pk=member.pk).update(joined_on=date(2026, 3, 2))
    with pytest.raises(InvalidMember) as caught:
        services.member_status_change(
            actor=place_a.ketua, member=member, status="deceased", on=on, reason=reason
        )
    assert field in caught.value.fields
    member.refresh_from_db()
    assert member.status == "active"


def test_kk_history(place_a):
    member = register(place_a, 1, approve=True)
    services.member_update_kk(
        actor=place_a.sekretaris,
        member=member,
        kk_number="3603019999999999",
        valid_from=TODAY,
    )
    member.refresh_from_db()
    assert member.kk_number == "3603019999999999"
    assert list(
        MemberKK.objects.filter(member=member)
        .order_by("valid_from", "id")
        .values_list("kk_number", flat=True)
    ) == ["3603010000000001", "3603019999999999"]
    with pytest.raises(InvalidMember):
        services.member_update_kk(actor=place_a.sekretaris, member=member, kk_number="12")


def test_contact_phone_is_stored_e164(place_a):
    member = register(place_a, 1)
    changed = services.member_update_contact(
        actor=place_a.sekretaris, member=member, phone="62 857-1234-5678", address="Jl. Baru 1"
    )
    assert (changed.phone, changed.address) == ("+6285712345678", "Jl. Baru 1")
    with pytest.raises(InvalidMember):
        services.member_update_contact(actor=place_a.sekretaris, member=member, phone="0211234")
    member.refresh_from_db()
    assert member.phone == "+6285712345678"


def test_ktp_photo_stored_privately(place_a, settings):
    member = register(place_a, 1, ktp_photo=JPEG)
    assert member.ktp_photo.name.startswith("ktp/") and member.ktp_photo.name.endswith(".jpg")
    assert (settings.MEDIA_ROOT / member.ktp_photo.name).read_bytes() == JPEG
    old = member.ktp_photo.name
    with pytest.raises(InvalidKtpPhoto):
        services.member_set_ktp_photo(actor=place_a.sekretaris, member=member, photo=b"%PDF-1.4")
    updated = services.member_set_ktp_photo(actor=place_a.sekretaris, member=member, photo=PNG)
    assert updated.ktp_photo.name.endswith(".png") and updated.ktp_photo.name != old


def test_self_registration(place_a):
    person_user = testing.make_person(full_name="Calon Anggota")
    member = services.member_request(
        actor=person_user, village_code="3603012003", **{**person(4), "phone": ""}
    )
    assert (member.cooperative_id, member.user_id, member.status) == (
        place_a.cooperative.pk,
        person_user.pk,
        "requested",
    )
    assert member.phone == person_user.phone
    with pytest.raises(AlreadyRequested):
        services.member_request(actor=person_user, village_code="36.03.01.2003", **person(5))
    assert AuditEvent.objects.filter(action="member.request").count() == 1
    # Once approved, the person holds the anggota role: the app and /me show the cooperative.
    services.member_approve(actor=place_a.sekretaris, member=member)
    assert person_user.roles.filter(cooperative=place_a.cooperative, kind="anggota").exists()


def test_self_registration_needs_a_cooperative_there(place_a):
    person_user = testing.make_person(full_name="Calon Anggota")
    with pytest.raises(NoCooperativeHere):
        services.member_request(actor=person_user, village_code="36.03.02.2001", **person(4))
    with pytest.raises(UnknownVillage):
        services.member_request(actor=person_user, village_code="nonsense", **person(4))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_approvals_take_distinct_consecutive_numbers():
    place = testing.make_place("36.03.01.2003", "A")
    waiting = [register(place, n) for n in range(1, 9)]
    barrier = threading.Barrier(len(waiting))
    errors: list[BaseException] = []

    def approve(member):
        try:
            barrier.wait()
            services.member_approve(actor=None, member=member)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in waiting]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Member.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))


def test_a_child_cannot_be_a_member(place_a):
    """UU 25/1992 art. 18: capable of legal acts, in practice 17 or older, or married."""
    five = date(TODAY.year - 5, 1, 15)
    with pytest.raises(InvalidMember) as caught:
        register(place_a, 41, born=five)
    assert "birth_date" in caught.value.fields
    assert not Member.objects.exists()


def test_seventeen_or_married(place_a):
    seventeen = date(TODAY.year - 17, TODAY.month, TODAY.day)
    assert register(place_a, 42, born=seventeen).pk
    sixteen = date(TODAY.year - 16, 1, 2)
    with pytest.raises(InvalidMember):
        register(place_a, 43, born=sixteen, marital_status="belum_kawin")
    married = register(place_a, 44, born=sixteen, marital_status="kawin")
    assert married.marital_status == "kawin"
    with pytest.raises(InvalidMember) as caught:
        register(place_a, 45, marital_status="poligami")
    assert "marital_status" in caught.value.fields
