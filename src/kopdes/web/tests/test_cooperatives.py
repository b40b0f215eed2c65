from decimal import Decimal

import pytest
from django.urls import reverse

from kopdes.accounts.models import Role
from kopdes.cooperatives.models import Policy

pytestmark = pytest.mark.django_db

PAGES = ["cooperative", "officers", "policy", "audit", "cooperative_edit"]


def url(name, coop):
    return reverse(f"web:{name}", args=[coop.public_id])


@pytest.mark.parametrize("name", PAGES)
def test_cross_tenant_pages_are_404(
    client, cross_tenant, place_a, coop_b, camat_balaraja, csr_a, name
):
    cross_tenant(client, place_a.ketua, url(name, coop_b))
    cross_tenant(client, camat_balaraja, url(name, coop_b))
    cross_tenant(client, csr_a, url(name, coop_b))


def test_anonymous_is_sent_to_login(client, coop_a):
    response = client.get(url("cooperative", coop_a))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("ketua", "cooperative_edit", 200),
        ("kasir", "cooperative_edit", 404),
        ("anggota", "cooperative", 200),
        ("anggota", "audit", 404),
        ("kepala_desa", "audit", 200),
        ("pengawas", "audit", 200),
    ],
)
def test_role_aware_access(client, place_a, who, name, status):
    client.force_login(place_a.people[who])
    assert client.get(url(name, place_a.cooperative)).status_code == status


def test_supervisors_read_but_do_not_edit(client, place_a, dinas, kejaksaan):
    coop = place_a.cooperative
    for person in (dinas, kejaksaan):
        client.force_login(person)
        assert client.get(url("cooperative", coop)).status_code == 200
        assert client.get(url("audit", coop)).status_code == 200
        assert client.get(url("cooperative_edit", coop)).status_code == 404
        assert client.post(url("policy", coop), {"reason": "x"}).status_code == 404


def test_supervision_list_scoped(client, place_a, place_b, dinas, camat_balaraja, outsider):
    client.force_login(dinas)
    page = client.get(reverse("web:supervision_table")).content.decode()
    assert place_a.cooperative.name in page and place_b.cooperative.name in page
    client.force_login(camat_balaraja)
    page = client.get(reverse("web:supervision_table")).content.decode()
    assert place_a.cooperative.name in page and place_b.cooperative.name not in page
    filtered = client.get(reverse("web:supervision_table"), {"q": "zzz"}).content.decode()
    assert place_a.cooperative.name not in filtered
    client.force_login(outsider)
    assert client.get(reverse("web:supervision")).status_code == 404
    assert client.get(reverse("web:supervision_table")).status_code == 404


def test_edit_profile(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    response = client.post(
        url("cooperative_edit", coop),
        {
            "nib": "1234567890123",
            "npwp": "",
            "population": "8200",
            "households": "2300",
            "main_livelihoods": "petani, buruh",
            "leading_commodities": "padi",
        },
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.nib == "1234567890123"


def test_edit_profile_bad_input_saves_nothing(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    response = client.post(
        url("cooperative_edit", coop), {"nib": "12", "population": "10", "households": "20"}
    )
    assert response.status_code == 400
    coop.refresh_from_db()
    assert coop.nib == ""


def test_policy_change_and_refusal(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    form = {
        "effective_from": "2026-12-01",
        "simpanan_pokok_amount": "100000",
        "simpanan_wajib_amount": "25000",
        "savings_rate_min": "0",
        "savings_rate_max": "4",
        "loan_rate_min": "6",
        "loan_rate_max": "18",
        "loan_approval_threshold": "10000000",
        "rat_quorum_percent": "50.01",
        "savings_deposit_max": "50000000",
        "savings_withdrawal_max": "20000000",
        "savings_transfer_max": "20000000",
        "reason": "RAT 2026",
    }
    assert client.post(url("policy", coop), form).status_code == 302
    assert Policy.objects.filter(cooperative=coop).count() == 2
    newest = Policy.objects.filter(cooperative=coop).order_by("-version").first()
    assert (newest.savings_deposit_max, newest.savings_withdrawal_max) == (50_000_000, 20_000_000)
    assert newest.restricted_fund_outside_lines == "refuse"  # left empty: carried over
    flag = client.post(
        url("policy", coop),
        {**form, "effective_from": "2026-12-02", "restricted_fund_outside_lines": "flag"},
    )
    assert flag.status_code == 302
    newest = Policy.objects.filter(cooperative=coop).order_by("-version").first()
    assert newest.restricted_fund_outside_lines == "flag"
    assert Policy.objects.filter(cooperative=coop).count() == 3
    form["effective_from"] = "2026-12-02"
    # The SHU bases left out carry over; given, they make a new version.
    assert (newest.shu_jasa_modal_percent, newest.shu_savings_basis) == (Decimal("40"), "year_end")
    shu = {
        "shu_jasa_modal_percent": "30",
        "shu_savings_basis": "average",
        "shu_savings_include_sukarela": "on",
        "shu_transaction_basis": "purchases",
    }
    assert client.post(url("policy", coop), {**form, **shu}).status_code == 302
    newest = Policy.objects.filter(cooperative=coop).order_by("-version").first()
    assert (
        newest.shu_jasa_modal_percent,
        newest.shu_savings_basis,
        newest.shu_savings_include_sukarela,
        newest.shu_transaction_basis,
    ) == (Decimal("30"), "average", True, "purchases")
    page = client.get(url("policy", coop)).content.decode()
    assert "Rata-rata saldo akhir bulan" in page and "Belanja di gerai" in page
    above = client.post(url("policy", coop), {**form, "savings_deposit_max": str(10**14)})
    assert above.status_code == 400
    refused = client.post(url("policy", coop), {**form, "loan_rate_max": "30"})
    assert refused.status_code == 400
    assert Policy.objects.filter(cooperative=coop).count() == 4
    # Digits of other scripts (Arabic-Indic, full-width), which int() and Decimal() accept.
    for field, text in (
        ("simpanan_pokok_amount", "\u0661\u0660\u0660\u0660\u0660\u0660"),
        ("rat_quorum_percent", "\uff15\uff10"),
    ):
        other = client.post(url("policy", coop), {**form, field: text})
        assert other.status_code == 400 and field in other.context["form"].errors
    assert Policy.objects.filter(cooperative=coop).count() == 4
    client.force_login(place_a.bendahara)
    assert client.post(url("policy", coop), form).status_code == 404


def test_assign_role_enforces_organ_rules(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    response = client.post(
        url("officers", coop),
        {
            "phone": "0813 5555 0001",
            "full_name": "Pak Sekdes",
            "kind": "wakil_usaha",
            "village_office": "perangkat_desa",
            "started_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert not Role.objects.filter(cooperative=coop, user__phone="+6281355550001").exists()
    ok = client.post(
        url("officers", coop),
        {
            "phone": "0813 5555 0002",
            "full_name": "Bu Kasir",
            "kind": "kasir",
            "started_on": "2026-11-01",
        },
    )
    assert ok.status_code == 302
    assert Role.objects.filter(
        cooperative=coop, user__phone="+6281355550002", kind="kasir"
    ).exists()


def test_audit_page_lists_changes_with_masked_data(client, place_a):
    client.force_login(place_a.kepala_desa)
    page = client.get(url("audit", place_a.cooperative)).content.decode()
    assert "Jabatan diberikan" in page  # role.assign, as its label
    assert place_a.ketua.phone not in page


def test_navigation_and_place_switcher(client, place_a, coop_b):
    from kopdes.accounts import services

    services.role_assign(actor=None, cooperative=coop_b, user=place_a.kasir, kind="anggota")
    client.force_login(place_a.kasir)
    response = client.get(url("cooperative", place_a.cooperative))
    places = response.context["nav_places"]
    assert [p["current"] for p in places] == [True, False]
    urls = [item["url"] for item in response.context["nav_items"]]
    # A kasir: home, profile, officers, members, savings, loans, outlets, announcements, policy;
    # no books, reports or audit log.
    assert len(urls) == 9
    assert url("announcements", place_a.cooperative) in urls
    assert url("loans", place_a.cooperative) in urls
    assert url("commerce_home", place_a.cooperative) in urls
    assert (
        url("audit", place_a.cooperative) not in urls
        and url("journal", place_a.cooperative) not in urls
    )


def test_employee_role_end_and_units(client, place_a, coop_b):
    from kopdes.accounts.models import Employee
    from kopdes.cooperatives.models import BusinessUnit

    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    assert (
        client.post(
            url("employee_add", coop),
            {
                "full_name": "Budi",
                "job_title": "Sopir",
                "started_on": "2026-11-01",
                "phone": "0813 1234 5678",
            },
        ).status_code
        == 302
    )
    assert Employee.objects.get(cooperative=coop).phone == "+6281312345678"
    assert (
        client.post(
            url("employee_add", coop), {"full_name": "", "job_title": "", "started_on": "x"}
        ).status_code
        == 400
    )

    kasir_role = Role.objects.get(cooperative=coop, kind="kasir")
    assert client.get(url("role_end", coop), {"role": kasir_role.public_id}).status_code == 200
    other_role = Role.objects.filter(cooperative=coop_b).first()
    assert client.get(url("role_end", coop), {"role": other_role.public_id}).status_code == 404
    assert (
        client.post(
            url("role_end", coop),
            {
                "role": kasir_role.public_id,
                "ended_on": str(kasir_role.started_on),
                "reason": "Mengundurkan diri",
            },
        ).status_code
        == 302
    )
    kasir_role.refresh_from_db()
    assert kasir_role.ended_on == kasir_role.started_on

    assert (
        client.post(
            url("business_unit_add", coop),
            {"kind": "lpg", "name": "Pangkalan LPG 3 kg", "code": "lpg"},
        ).status_code
        == 302
    )
    assert BusinessUnit.objects.filter(cooperative=coop, code="lpg").exists()
    assert (
        client.post(
            url("business_unit_add", coop), {"kind": "lpg", "name": "Lagi", "code": "lpg"}
        ).status_code
        == 400
    )
    client.force_login(place_a.kasir)
    assert client.get(url("business_unit_add", coop)).status_code == 404
    assert client.get(url("employee_add", coop)).status_code == 404
