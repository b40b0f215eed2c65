"""Member pages: roles, cross-tenant 404 for every URL, forms, import, KTP photo, card check."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from kopdes.members import services
from kopdes.members.models import Member
from kopdes.members.rules import nik_make

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2026, 3, 2), tick=True):
        yield


def data(n=1, **change):
    born = date(1980, 5, 4)
    values = {
        "full_name": f"Warga {n}",
        "nik": nik_make(district_digits="360301", sex="M", birth_date=born, serial=n),
        "sex": "M",
        "birth_date": born,
        "birth_place": "Tangerang",
        "address": "Kp. Cangkudu RT 001/RW 002",
        "phone": f"0813{n:08d}",
        "occupation": "Petani",
        "kk_number": f"360301{n:010d}",
    }
    values.update(change)
    return values


def make_member(place, n=1, approve=True, **change) -> Member:
    return services.member_register(
        actor=place.sekretaris,
        cooperative=place.cooperative,
        approve=approve,
        **data(n, **change),
    )


def member_urls(coop, member):
    c, m = coop.public_id, member.public_id
    return {
        "members": reverse("web:members", args=[c]),
        "member_new": reverse("web:member_new", args=[c]),
        "member_requests": reverse("web:member_requests", args=[c]),
        "member_import": reverse("web:member_import", args=[c]),
        "member_import_template": reverse("web:member_import_template", args=[c]),
        "member": reverse("web:member", args=[c, m]),
        "member_ktp": reverse("web:member_ktp", args=[c, m]),
        "member_card": reverse("web:member_card", args=[c, m]),
    }


ACTIONS = [
    "member_approve",
    "member_reject",
    "member_status",
    "member_kk",
    "member_contact",
    "member_photo",
    "member_activation_code",
]


@pytest.mark.parametrize(
    "name",
    [
        "members",
        "member_new",
        "member_requests",
        "member_import",
        "member_import_template",
        "member",
        "member_ktp",
        "member_card",
    ],
)
def test_cross_tenant_pages_are_404(client, cross_tenant, place_a, place_b, dinas, name):
    member_b = make_member(
        place_b,
        1,
        ktp_photo=JPEG,
        nik=nik_make(district_digits="360313", sex="M", birth_date=date(1980, 5, 4), serial=1),
        domicile_code=None,
    )
    url = member_urls(place_b.cooperative, member_b)[name]
    cross_tenant(client, place_a.ketua, url)
    cross_tenant(client, place_a.sekretaris, url)


@pytest.mark.parametrize("name", ACTIONS)
def test_cross_tenant_actions_are_404(client, cross_tenant, place_a, place_b, name):
    member_b = make_member(
        place_b,
        1,
        approve=False,
        nik=nik_make(district_digits="360313", sex="M", birth_date=date(1980, 5, 4), serial=1),
    )
    url = reverse(f"web:{name}", args=[place_b.cooperative.public_id, member_b.public_id])
    cross_tenant(client, place_a.ketua, url, method="post", data={"reason": "x"})
    member_b.refresh_from_db()
    assert member_b.status == "requested"


def test_a_member_of_another_cooperative_is_404_under_mine(client, place_a, place_b):
    member_b = make_member(
        place_b,
        1,
        nik=nik_make(district_digits="360313", sex="M", birth_date=date(1980, 5, 4), serial=1),
    )
    client.force_login(place_a.ketua)
    for view in ("member", "member_card", "member_ktp"):
        url = reverse(f"web:{view}", args=[place_a.cooperative.public_id, member_b.public_id])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("kasir", "members", 200),
        ("pengawas", "members", 200),
        ("anggota", "members", 404),
        ("kasir", "member_new", 404),
        ("sekretaris", "member_new", 200),
        ("manajer", "member_import", 200),
        ("bendahara", "member_import", 404),
        ("kasir", "member", 200),
        ("anggota", "member", 404),
        ("sekretaris", "member_ktp", 200),
        ("ketua", "member_ktp", 200),
        ("manajer", "member_ktp", 404),
        ("kasir", "member_ktp", 404),
        ("pengawas", "member_card", 200),
    ],
)
def test_role_aware_access(client, place_a, who, name, status):
    member = make_member(place_a, ktp_photo=JPEG)
    client.force_login(place_a.people[who])
    assert client.get(member_urls(place_a.cooperative, member)[name]).status_code == status


def test_supervisors_do_not_see_members(client, place_a, dinas, kejaksaan):
    member = make_member(place_a)
    for person in (dinas, kejaksaan):
        client.force_login(person)
        assert client.get(member_urls(place_a.cooperative, member)["member"]).status_code == 404


def test_list_search_and_filters(client, place_a):
    make_member(place_a, 1, full_name="Budi Santoso")
    make_member(
        place_a,
        2,
        full_name="Siti Aminah",
        sex="F",
        nik=nik_make(district_digits="360301", sex="F", birth_date=date(1980, 5, 4), serial=2),
    )
    make_member(place_a, 3, full_name="Joko Widodo", approve=False)
    url = reverse("web:members", args=[place_a.cooperative.public_id])
    client.force_login(place_a.sekretaris)

    def names(**params):
        page = client.get(url, params).context["page"]
        return [m.full_name for m in page]

    assert names() == ["Budi Santoso", "Siti Aminah", "Joko Widodo"]
    assert names(q="siti") == ["Siti Aminah"]
    assert names(q="0002") == ["Siti Aminah"]
    assert names(q=data(1)["nik"]) == ["Budi Santoso"]
    assert names(q=data(1)["nik"][:10]) == []  # never a part of a NIK
    assert names(status="requested") == ["Joko Widodo"]
    assert names(sex="F") == ["Siti Aminah"]
    assert names(year="2026", status="active") == ["Budi Santoso", "Siti Aminah"]
    response = client.get(url)
    assert data(1)["nik"] not in response.content.decode()  # masked in the list
    client.force_login(place_a.pengawas)
    assert names(q=data(1)["nik"]) == []  # full-NIK search is for officers handling members


def test_register_from_the_form(client, place_a):
    client.force_login(place_a.sekretaris)
    url = reverse("web:member_new", args=[place_a.cooperative.public_id])
    form = {
        **data(5),
        "birth_date": "1980-05-04",
        "domicile_code": "36.03.01.2003",
        "approve": "on",
    }
    photo = io.BytesIO(JPEG)
    photo.name = "ktp.jpg"
    response = client.post(url, {**form, "ktp_photo": photo})
    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "web:member", args=[place_a.cooperative.public_id, member.public_id]
    )
    assert (member.status, member.number, bool(member.ktp_photo)) == ("active", 1, True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nik": "3603013205800001"}, "nik"),
        ({"domicile_code": "36.03.13.2001"}, None),
        ({"phone": "021"}, "phone"),
    ],
)
def test_register_refusals_are_400_and_save_nothing(client, place_a, change, field):
    client.force_login(place_a.sekretaris)
    url = reverse("web:member_new", args=[place_a.cooperative.public_id])
    form = {**data(5), "birth_date": "1980-05-04", "domicile_code": "36.03.01.2003", **change}
    response = client.post(url, form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (field in errors) if field else ("__all__" in errors)
    assert Member.objects.count() == 0
    if field is None:
        assert "Teluknaga" in response.content.decode()


def test_member_page_masks_identity_for_viewers(client, place_a):
    member = make_member(place_a)
    url = member_urls(place_a.cooperative, member)["member"]
    client.force_login(place_a.sekretaris)
    assert member.nik in client.get(url).content.decode()
    client.force_login(place_a.kasir)
    page = client.get(url).content.decode()
    assert member.nik not in page and member.kk_number not in page and member.phone not in page
    assert "3603**********01" in page


def test_member_page_leaves_a_slot_for_savings_only_when_it_exists(client, place_a):
    member = make_member(place_a)
    client.force_login(place_a.sekretaris)
    page = client.get(member_urls(place_a.cooperative, member)["member"]).content.decode()
    try:
        savings_url = reverse(
            "web:member_savings", args=[place_a.cooperative.public_id, member.public_id]
        )
    except NoReverseMatch:  # the savings pages are not there yet
        assert 'id="member-accounts"' not in page
    else:
        assert f'hx-get="{savings_url}"' in page


def test_approve_and_reject_from_the_requests(client, place_a):
    first = make_member(place_a, 1, approve=False)
    second = make_member(place_a, 2, approve=False)
    client.force_login(place_a.ketua)
    listing = client.get(reverse("web:member_requests", args=[place_a.cooperative.public_id]))
    assert [m.full_name for m in listing.context["requests"]] == ["Warga 1", "Warga 2"]
    c = place_a.cooperative.public_id
    assert client.post(reverse("web:member_approve", args=[c, first.public_id])).status_code == 302
    empty = client.post(reverse("web:member_reject", args=[c, second.public_id]), {"reason": ""})
    assert empty.status_code == 400
    done = client.post(
        reverse("web:member_reject", args=[c, second.public_id]), {"reason": "Bukan warga"}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.number, second.status) == ("active", 1, "rejected")
    # a second approval is refused on the member's page (400), not a crash
    again = client.post(reverse("web:member_approve", args=[c, first.public_id]))
    assert again.status_code == 400
    assert again.context["approve_form"].non_field_errors()
    assert str(again.context["approve_form"].non_field_errors()[0]) in again.content.decode()


def test_status_kk_contact_and_photo_forms(client, place_a):
    member = make_member(place_a)
    c, m = place_a.cooperative.public_id, member.public_id
    client.force_login(place_a.sekretaris)
    bad = client.post(
        reverse("web:member_status", args=[c, m]),
        {"status": "resigned", "on": "2026-03-02", "reason": ""},
    )
    assert bad.status_code == 400 and "reason" in bad.context["status_form"].errors
    assert (
        client.post(
            reverse("web:member_kk", args=[c, m]),
            {"kk_number": "3603019999999999", "valid_from": "2026-03-01"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("web:member_contact", args=[c, m]),
            {"phone": "0857 1111 2222", "address": "Jl. Baru", "occupation": ""},
        ).status_code
        == 302
    )
    gif = io.BytesIO(b"GIF89a" + b"\x00" * 20)
    gif.name = "ktp.jpg"
    refused = client.post(reverse("web:member_photo", args=[c, m]), {"ktp_photo": gif})
    assert refused.status_code == 400
    done = client.post(
        reverse("web:member_status", args=[c, m]),
        {"status": "deceased", "on": "2026-03-02", "reason": "Meninggal dunia"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.kk_number, member.phone) == (
        "deceased",
        "3603019999999999",
        "+6285711112222",
    )


def test_ktp_photo_is_served_only_to_view_ktp(client, place_a):
    member = make_member(place_a, ktp_photo=JPEG)
    url = member_urls(place_a.cooperative, member)["member_ktp"]
    client.force_login(
        place_a.wakil_anggota if "wakil_anggota" in place_a.people else place_a.sekretaris
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == JPEG
    assert "no-store" in response["Cache-Control"]
    no_photo = make_member(place_a, 2)
    assert client.get(member_urls(place_a.cooperative, no_photo)["member_ktp"]).status_code == 404
    client.force_login(place_a.bendahara)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_media_is_not_served(client, place_a):
    member = make_member(place_a, ktp_photo=JPEG)
    client.force_login(place_a.ketua)
    assert client.get("/media/" + member.ktp_photo.name).status_code == 404


def test_card_and_public_check(client, place_a):
    member = make_member(place_a)
    client.force_login(place_a.kasir)
    card = client.get(member_urls(place_a.cooperative, member)["member_card"])
    check_url = "http://testserver" + reverse("web:card_check", args=[member.card_id])
    assert card.status_code == 200 and card.context["check_url"] == check_url
    assert "<svg" in card.content.decode()
    assert member.nik not in card.context["check_url"]
    client.logout()
    public = client.get(reverse("web:card_check", args=[member.card_id]))
    page = public.content.decode()
    assert public.status_code == 200 and public.context["card"].valid
    assert member.full_name in page and "0001" in page and place_a.cooperative.name in page
    for secret in (member.nik, member.phone, member.address, member.kk_number, "1980"):
        assert secret not in page
    services.member_status_change(
        actor=place_a.ketua, member=member, status="resigned", on=date(2026, 3, 2), reason="Pindah"
    )
    assert not client.get(reverse("web:card_check", args=[member.card_id])).context["card"].valid


def test_card_check_of_unknown_or_unapproved_cards(client, place_a):
    pending = make_member(place_a, approve=False)
    assert client.get(reverse("web:card_check", args=[pending.card_id])).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(reverse("web:card_check", args=[unknown])).status_code == 404
    client.force_login(place_a.ketua)
    assert client.get(member_urls(place_a.cooperative, pending)["member_card"]).status_code == 404


CSV = (
    "No;Nama;NIK;Jenis Kelamin;Tempat Lahir;Tanggal Lahir;Alamat;Kode Desa/Kelurahan;No HP;"
    "Pekerjaan;No KK;Tanggal Masuk\n"
    "1;Budi;{nik1};L;Tangerang;04-05-1980;Kp. A;;081300000001;Petani;3603010000000001;01-02-2026\n"
    "2;Salah;3603019905800002;L;Tangerang;04-05-1980;Kp. B;;;;;01-02-2026\n"
)


def test_import_dry_run_then_good_rows(client, place_a):
    client.force_login(place_a.manajer)
    url = reverse("web:member_import", args=[place_a.cooperative.public_id])
    content = CSV.format(nik1=data(1)["nik"]).encode()
    upload = io.BytesIO(content)
    upload.name = "anggota.csv"
    checked = client.post(url, {"file": upload})
    assert checked.status_code == 200
    summary = checked.context["summary"]
    assert (summary["good"], [b["row"] for b in summary["bad"]]) == (1, [3])
    assert Member.objects.count() == 0
    record = checked.context["record"]
    refused = client.post(url, {"import": record.public_id, "action": "all"})
    assert refused.status_code == 400 and Member.objects.count() == 0
    done = client.post(url, {"import": record.public_id, "action": "good"})
    assert done.status_code == 302 and Member.objects.get().full_name == "Budi"
    again = client.post(url, {"import": record.public_id, "action": "good"})
    assert again.status_code == 302 and Member.objects.count() == 1


def test_import_of_another_cooperatives_check_is_404(client, place_a, place_b):
    from kopdes.members import imports

    record, _ = imports.member_import_check(
        actor=place_b.sekretaris,
        cooperative=place_b.cooperative,
        file_name="b.csv",
        content=CSV.format(nik1=data(1)["nik"]).encode(),
    )
    client.force_login(place_a.sekretaris)
    url = reverse("web:member_import", args=[place_a.cooperative.public_id])
    assert client.post(url, {"import": record.public_id, "action": "good"}).status_code == 404


def test_import_refuses_an_unreadable_file(client, place_a):
    client.force_login(place_a.sekretaris)
    upload = io.BytesIO(b"%PDF-1.4 ...")
    upload.name = "anggota.pdf"
    response = client.post(
        reverse("web:member_import", args=[place_a.cooperative.public_id]), {"file": upload}
    )
    assert response.status_code == 400 and response.context["form"].errors


def test_template_download(client, place_a):
    client.force_login(place_a.sekretaris)
    response = client.get(
        reverse("web:member_import_template", args=[place_a.cooperative.public_id])
    )
    assert response.status_code == 200
    assert response.content[:4] == b"PK\x03\x04"
    assert "attachment" in response["Content-Disposition"]


def test_anonymous_is_sent_to_login(client, place_a):
    response = client.get(reverse("web:members", args=[place_a.cooperative.public_id]))
    assert response.status_code == 302 and "/masuk/" in response["Location"]
