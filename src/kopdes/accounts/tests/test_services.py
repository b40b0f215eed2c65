import pytest

from kopdes import testing
from kopdes.accounts import services
from kopdes.accounts.access import (
    Capability,
    capabilities,
    cooperative_access,
    visible_cooperatives,
)
from kopdes.accounts.errors import (
    InvalidGrant,
    InvalidPerson,
    PengawasChairNotVillageHead,
    PengurusAndPengawas,
    PhoneTaken,
    SeatTaken,
    VillageOfficialAsPengurus,
)
from kopdes.accounts.models import Role, User
from kopdes.core.errors import NotFound
from kopdes.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_register_normalises_phone_and_masks_audit():
    user = services.user_register(
        actor=None,
        phone="0812-1111-2222",
        password="Sandi-Kuat-2026",
        full_name="Siti Aminah",
        nik="3603014506900001",
    )
    assert user.phone == "+6281211112222"
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    event = AuditEvent.objects.get(action="person.register")
    assert event.after["phone"] == "+62812****2222" and event.after["nik"] == "3603**********01"
    with pytest.raises(PhoneTaken):
        services.user_register(
            actor=None, phone="+6281211112222", password="Sandi-Kuat-2026", full_name="X"
        )


def test_register_reports_every_bad_field_and_saves_nothing():
    with pytest.raises(InvalidPerson) as caught:
        services.user_register(
            actor=None, phone="081299990000", password="123", full_name=" ", nik="12", kk_number="x"
        )
    assert set(caught.value.fields) == {"full_name", "nik", "kk_number", "password"}
    assert not User.objects.filter(phone="+6281299990000").exists()


def test_register_with_a_hash_made_once_for_many_accounts():
    """A trusted bulk caller (the demo) hashes one password once and registers many accounts
    with it; the hash must be a usable one of a configured hasher, and never with a password."""
    from django.contrib.auth.hashers import make_password

    encoded = make_password("Sandi-Kuat-2026")
    first, second = (
        services.user_register(
            actor=None, phone=phone, password=None, password_hash=encoded, full_name="Siti"
        )
        for phone in ("081211113333", "081211114444")
    )
    assert first.password == second.password == encoded
    assert first.check_password("Sandi-Kuat-2026") and not first.check_password("salah")
    event = AuditEvent.objects.filter(action="person.register").latest("id")
    assert "password" not in event.after and encoded not in str(event.after)
    for bad in ("not-a-hash", "!unusable", make_password(None)):
        with pytest.raises(InvalidPerson) as caught:
            services.user_register(
                actor=None, phone="081211115555", password=None, password_hash=bad, full_name="X"
            )
        assert set(caught.value.fields) == {"password"}
    with pytest.raises(InvalidPerson):
        services.user_register(
            actor=None,
            phone="081211115555",
            password="Sandi-Kuat-2026",
            password_hash=encoded,
            full_name="X",
        )
    assert not User.objects.filter(phone="+6281211115555").exists()


def test_village_official_cannot_be_pengurus(coop_a):
    lurah_staff = testing.make_person(full_name="Perangkat", village_office="perangkat_desa")
    bpd = testing.make_person(full_name="BPD", village_office="bpd")
    for person in (lurah_staff, bpd):
        with pytest.raises(VillageOfficialAsPengurus):
            services.role_assign(actor=None, cooperative=coop_a, user=person, kind="wakil_usaha")
    # ...but may be a member or a pengawas.
    services.role_assign(actor=None, cooperative=coop_a, user=bpd, kind="pengawas")


def test_pengawas_chair_is_the_village_head(place_a):
    with pytest.raises(PengawasChairNotVillageHead):
        services.role_assign(
            actor=None,
            cooperative=place_a.cooperative,
            user=place_a.pengawas,
            kind="ketua_pengawas",
        )
    second_head = testing.make_person(full_name="Kades Lain", village_office="kepala_desa")
    with pytest.raises(SeatTaken):
        services.role_assign(
            actor=None, cooperative=place_a.cooperative, user=second_head, kind="ketua_pengawas"
        )


def test_pengurus_cannot_be_pengawas(place_a):
    with pytest.raises(PengurusAndPengawas):
        services.role_assign(
            actor=None, cooperative=place_a.cooperative, user=place_a.bendahara, kind="pengawas"
        )


def test_same_kk_pengurus_and_pengawas_is_flagged(coop_a):
    husband = testing.make_person(full_name="Suami", kk_number="3603010101010001")
    wife = testing.make_person(full_name="Istri", kk_number="3603010101010001")
    services.role_assign(actor=None, cooperative=coop_a, user=husband, kind="wakil_usaha")
    role = services.role_assign(actor=None, cooperative=coop_a, user=wife, kind="pengawas")
    assert "Suami" in role.flag
    assert "Istri" in Role.objects.get(user=husband, kind="wakil_usaha").flag


def test_one_person_many_roles_and_places(place_a, coop_b):
    services.role_assign(
        actor=None, cooperative=place_a.cooperative, user=place_a.kasir, kind="anggota"
    )
    services.role_assign(actor=None, cooperative=coop_b, user=place_a.kasir, kind="anggota")
    assert visible_cooperatives(place_a.kasir).count() == 2


def test_supervision_scopes(place_a, place_b, dinas, camat_balaraja, kejaksaan, csr_a):
    a, b = place_a.cooperative, place_b.cooperative
    assert set(visible_cooperatives(dinas)) == {a, b}
    assert set(visible_cooperatives(camat_balaraja)) == {a}
    assert set(visible_cooperatives(csr_a)) == {a}
    assert Capability.VIEW_AUDIT in capabilities(kejaksaan, b)
    assert Capability.EDIT_PROFILE not in capabilities(dinas, a)
    with pytest.raises(NotFound):
        cooperative_access(camat_balaraja, b.public_id)
    with pytest.raises(NotFound):
        cooperative_access(place_a.ketua, b.public_id)
    with pytest.raises(NotFound):
        cooperative_access(place_a.kasir, a.public_id, need=Capability.CHANGE_POLICY)
    with pytest.raises(NotFound):
        cooperative_access(place_a.ketua, "not-a-uuid")
    assert cooperative_access(place_a.ketua, a.public_id, need=Capability.CHANGE_POLICY) == a


def test_each_agency_reads_what_its_grant_gives(place_a, place_b, dinas, kejaksaan, csr_a):
    """Issue 15.1: the Dinas, province, ministry and Kejaksaan read everything in their region;
    a CSR partner only the CSR report of the cooperatives it funds; a national grant covers
    every cooperative even beside a regional one."""
    a, b = place_a.cooperative, place_b.cooperative
    province = testing.make_supervisor(agency="provinsi", organisation="P", region_prefix="36")
    ministry = testing.make_supervisor(agency="kementerian", organisation="M", region_prefix="")
    services.supervision_grant(
        actor=None, user=ministry, agency="csr", organisation="M CSR", cooperatives=[a]
    )
    for reader in (dinas, kejaksaan, province, ministry):
        for cooperative in (a, b):
            held = capabilities(reader, cooperative)
            assert Capability.VIEW_BOOKS in held and Capability.VIEW_MEMBERS not in held
    assert capabilities(ministry, b) >= {Capability.VIEW_BOOKS, Capability.VIEW_LOANS}
    assert set(visible_cooperatives(ministry)) == {a, b}  # `Q() | q` is not `q` here
    assert capabilities(csr_a, a) == {Capability.VIEW_CSR_REPORT}
    assert capabilities(csr_a, b) == set()
    with pytest.raises(NotFound):
        cooperative_access(csr_a, a.public_id)  # the profile, officers and books are not its
    assert cooperative_access(csr_a, a.public_id, need=Capability.VIEW_CSR_REPORT) == a
    assert Capability.ASSESS_HEALTH not in capabilities(kejaksaan, a)


def test_bad_grants(db, coop_a):
    person = testing.make_person(full_name="X")
    with pytest.raises(InvalidGrant):
        services.supervision_grant(
            actor=None, user=person, agency="dinas", organisation="D", region_prefix="99.99"
        )
    with pytest.raises(InvalidGrant):
        services.supervision_grant(actor=None, user=person, agency="csr", organisation="C")
    grant = services.supervision_grant(
        actor=None,
        user=person,
        agency="kejaksaan",
        organisation="K",
        region_prefix="36.03",
        read_only=False,
    )
    assert grant.read_only


def test_employee_record(coop_a):
    employee = services.employee_record(
        actor=None,
        cooperative=coop_a,
        full_name="Budi",
        job_title="Penjaga gudang",
        started_on="2026-01-05",
        phone="0813 1111 2222",
    )
    assert employee.phone == "+6281311112222" and employee.user is None
    with pytest.raises(InvalidPerson):
        services.employee_record(
            actor=None,
            cooperative=coop_a,
            full_name="",
            job_title="",
            started_on="2026-01-05",
            phone="123",
        )


def test_officer_appoint_registers_a_new_person_and_assigns_the_role(place_a):
    coop = place_a.cooperative
    role = services.officer_appoint(
        actor=place_a.ketua,
        cooperative=coop,
        phone="0812-7777-0001",
        full_name="Dewi Lestari",
        kind="kasir",
        started_on=None,
    )
    assert role.kind == "kasir" and role.user.phone == "+6281277770001"
    assert not role.user.has_usable_password()
    audited = AuditEvent.objects.filter(
        action__in=["person.register", "role.assign"],
        object_id__in=[str(role.public_id), str(role.user.public_id)],
    )
    assert sorted(audited.values_list("action", flat=True)) == ["person.register", "role.assign"]


def test_officer_appoint_takes_an_existing_person_only_by_their_name(place_a):
    coop = place_a.cooperative
    person = testing.make_person(full_name="Budi  Santoso")
    role = services.officer_appoint(
        actor=place_a.ketua,
        cooperative=coop,
        phone=person.phone,
        full_name="budi santoso",
        kind="kasir",
    )
    assert role.user == person
    other = testing.make_person(full_name="Rina Wati")
    with pytest.raises(InvalidPerson) as refused:
        services.officer_appoint(
            actor=place_a.ketua,
            cooperative=coop,
            phone=other.phone,
            full_name="Someone Else",
            kind="kasir",
        )
    assert "full_name" in refused.value.fields
    assert not Role.objects.filter(user=other).exists()
    with pytest.raises(InvalidPerson):
        services.officer_appoint(
            actor=place_a.ketua, cooperative=coop, phone=other.phone, full_name=" ", kind="kasir"
        )


def test_officer_appoint_refused_by_the_role_rules_saves_no_person(place_a):
    """All or nothing: the seat is taken, so the new person is not registered either."""
    coop = place_a.cooperative
    users, audits = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(SeatTaken):
        services.officer_appoint(
            actor=place_a.ketua,
            cooperative=coop,
            phone="0812-7777-0002",
            full_name="Orang Baru",
            kind="bendahara",
        )
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, audits)
