"""The loans staff pages (issue 11, items 1-4 and 8): products, applications, the loan page,
decisions, disbursement, the reports and the Pinjaman menu."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopdes.cooperatives import services as cooperative_services
from kopdes.core import clock
from kopdes.loans import services
from kopdes.loans.models import Collateral, Guarantor, Loan, LoanDecision, LoanProduct
from kopdes.members.models import Member
from kopdes.savings import services as savings_services
from kopdes.savings.tests.factories import make_member
from kopdes.web.views.loans_reports import reminder_text

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
NIK = "3603014107900007"


def url(name, coop, *args):
    return reverse(f"web:{name}", args=[coop.public_id, *args])


def product_fields(**overrides):
    fields = {
        "name": "Pinjaman usaha",
        "method": "flat",
        "annual_rate": Decimal("12"),
        "tenor_min": 1,
        "tenor_max": 24,
        "max_amount": 20_000_000,
        "admin_fee_percent": Decimal("1"),
        "provisi_percent": Decimal("0.5"),
        "penalty_method": "per_day",
        "penalty_rate": Decimal("0.1"),
        "penalty_amount": 0,
        "grace_months_max": 2,
        "requires_collateral": False,
        "requires_guarantor": False,
        "max_savings_multiple": None,
        "early_payoff": "interest_to_date",
        "allocation_order": ["denda", "jasa", "pokok"],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def product(place_a):
    return services.loan_product_create(
        actor=place_a.manajer, cooperative=place_a.cooperative, **product_fields()
    )


@pytest.fixture
def borrower(coop_a):
    member = make_member(coop_a, name="Budi Santoso")
    Member.objects.filter(pk=member.pk).update(phone="+6281234567890")
    member.refresh_from_db()
    savings_services.savings_deposit(
        actor=None,
        cooperative=coop_a,
        member=member,
        kind="sukarela",
        amount=5_000_000,
        on=clock.today(),
    )
    return member


def apply(place, product, member, principal=2_000_000, months=10, **kwargs):
    return services.loan_apply(
        actor=place.bendahara,
        cooperative=place.cooperative,
        member=member,
        product=product,
        principal=principal,
        months=months,
        purpose="Modal warung",
        **kwargs,
    )


def approved(place, product, member, **kwargs):
    loan = apply(place, product, member, **kwargs)
    return services.loan_decide(actor=place.ketua, loan=loan, decision="approve", reason="Layak")


def active(place, product, member, **kwargs):
    loan = approved(place, product, member, **kwargs)
    services.loan_disburse(actor=place.kasir, loan=loan, channel="cash")
    loan.refresh_from_db()
    return loan


# --- products -------------------------------------------------------------------------------------


def product_post(**overrides):
    data = {
        "name": "Pinjaman tani",
        "method": "anuitas",
        "annual_rate": "15",
        "tenor_min": "3",
        "tenor_max": "12",
        "max_amount": "10000000",
        "max_savings_multiple": "3",
        "admin_fee_percent": "1",
        "provisi_percent": "0",
        "penalty_method": "per_installment",
        "penalty_rate": "0",
        "penalty_amount": "10000",
        "grace_months_max": "1",
        "requires_guarantor": "on",
        "early_payoff": "all_interest",
        "allocation_order": "jasa,pokok,denda",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_products_created_and_edited_by_the_manajer(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    response = client.post(url("loans_product_new", coop), product_post())
    assert response.status_code == 302
    made = LoanProduct.objects.get(cooperative=coop, name="Pinjaman tani")
    assert made.method == "anuitas" and made.annual_rate == Decimal("15")
    assert made.allocation_order == ["jasa", "pokok", "denda"]
    assert made.max_savings_multiple == Decimal("3") and made.requires_guarantor
    page = client.get(url("loans_products", coop))
    assert "Pinjaman tani" in page.content.decode()
    response = client.post(
        url("loans_product_edit", coop, made.public_id), product_post(annual_rate="18")
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.annual_rate == Decimal("18")


def test_a_product_above_24_percent_is_refused_on_the_form(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.manajer)
    response = client.post(url("loans_product_new", coop), product_post(annual_rate="30"))
    assert response.status_code == 400
    assert response.context["form"].errors["annual_rate"]
    response = client.post(
        url("loans_product_new", coop), product_post(tenor_min="12", tenor_max="3")
    )
    assert response.status_code == 400 and response.context["form"].errors["tenor_max"]
    assert not LoanProduct.objects.filter(cooperative=coop).exists()


def test_products_are_managed_only_with_manage_loans(client, place_a, product):
    coop = place_a.cooperative
    for person in (place_a.kasir, place_a.sekretaris, place_a.pengawas):
        client.force_login(person)
        assert client.get(url("loans_products", coop)).status_code == 200
        assert client.get(url("loans_product_new", coop)).status_code == 404
        assert client.post(url("loans_product_new", coop), product_post()).status_code == 404
    client.force_login(place_a.anggota)
    assert client.get(url("loans_products", coop)).status_code == 404
    assert LoanProduct.objects.filter(cooperative=coop).count() == 1


# --- applications ---------------------------------------------------------------------------------


def application_post(borrower, product, **overrides):
    data = {
        "member": borrower.niak,
        "product": str(product.public_id),
        "principal": "2.000.000",
        "months": "10",
        "grace_months": "0",
        "purpose": "Modal warung",
        "idempotency_key": "apply-1",
        "guarantor-TOTAL_FORMS": "2",
        "guarantor-INITIAL_FORMS": "0",
        "collateral-TOTAL_FORMS": "2",
        "collateral-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_officer_records_an_application_with_guarantor_and_collateral(
    client, place_a, product, borrower
):
    coop = place_a.cooperative
    client.force_login(place_a.sekretaris)
    data = application_post(
        borrower,
        product,
        **{
            "guarantor-0-name": "Slamet Riyadi",
            "guarantor-0-nik": NIK,
            "guarantor-0-relationship": "Kakak",
            "guarantor-0-document": SimpleUploadedFile("ktp.png", PNG, "image/png"),
            "collateral-0-kind": "bpkb",
            "collateral-0-description": "BPKB Honda Beat 2019",
            "collateral-0-estimated_value": "8.000.000",
            "collateral-0-document": SimpleUploadedFile("bpkb.png", PNG, "image/png"),
        },
    )
    response = client.post(url("loans_apply", coop), data)
    assert response.status_code == 302, response.context["form"].errors
    loan = Loan.objects.get(cooperative=coop, member=borrower)
    assert response["Location"] == url("loans_detail", coop, loan.public_id)
    assert loan.status == "applied" and loan.principal == 2_000_000 and loan.months == 10
    guarantor = Guarantor.objects.get(loan=loan)
    assert guarantor.nik == NIK and guarantor.document
    collateral = Collateral.objects.get(loan=loan)
    assert collateral.estimated_value == 8_000_000 and collateral.document
    # The same key with another request (the form changed after a double tap) is refused.
    again = client.post(url("loans_apply", coop), application_post(borrower, product))
    assert again.status_code == 400
    assert Loan.objects.filter(cooperative=coop).count() == 1

    page = client.get(url("loans_detail", coop, loan.public_id)).content.decode()
    assert NIK not in page and "3603**********07" in page
    assert "Slamet Riyadi" in page and "BPKB Honda Beat 2019" in page
    document = url("loans_guarantor_document", coop, loan.public_id, guarantor.public_id)
    assert document in page
    shown = client.get(document)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert "no-store" in shown["Cache-Control"]


def test_the_schedule_preview_saves_nothing(client, place_a, product, borrower):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("loans_apply", coop), application_post(borrower, product, preview="1")
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview["rows"]) == 10
    assert sum(row.principal for row in preview["rows"]) == 2_000_000
    assert preview["interest"] == 200_000  # flat: 1% a month on the original principal
    assert preview["effective_rate"] > Decimal("12")  # a flat rate costs more than it reads
    assert preview["admin_fee"] == 20_000 and preview["provisi"] == 10_000
    assert preview["net"] == 1_970_000
    html = response.content.decode()
    assert "Rp1.970.000" in html and "Rp220.000" in html
    assert not Loan.objects.filter(cooperative=coop).exists()


def test_an_application_shows_its_errors_and_saves_nothing(client, place_a, product, borrower):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    # Above the product's largest principal: the service's refusal on the form.
    response = client.post(
        url("loans_apply", coop), application_post(borrower, product, principal="50.000.000")
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    # A guarantor without a valid NIK, a collateral without a value: errors on their rows.
    response = client.post(
        url("loans_apply", coop),
        application_post(
            borrower,
            product,
            **{
                "guarantor-0-name": "Slamet",
                "guarantor-0-nik": "123",
                "collateral-0-kind": "emas",
            },
        ),
    )
    assert response.status_code == 400
    guarantors, collaterals = response.context["guarantors"], response.context["collaterals"]
    assert guarantors.forms[0].errors["nik"]
    assert collaterals.forms[0].errors["estimated_value"]
    assert not Loan.objects.filter(cooperative=coop).exists()


def test_the_member_is_picked_by_name(client, place_a, product, borrower):
    coop = place_a.cooperative
    client.force_login(place_a.bendahara)
    response = client.post(
        url("loans_apply", coop), application_post(borrower, product, member="Budi")
    )
    assert response.status_code == 400
    html = response.content.decode()
    pick = f"{url('loans_apply', coop)}?member={borrower.public_id}"
    assert pick in html and "+62812****7890" in html and "+6281234567890" not in html
    page = client.get(pick)
    assert page.context["form"].initial["member"] == borrower.niak
    found = client.get(url("loans_member_search", coop) + "?q=Budi", headers={"HX-Request": "1"})
    assert pick in found.content.decode()


def test_the_list_filters_by_status(client, place_a, product, borrower):
    coop = place_a.cooperative
    waiting = apply(place_a, product, borrower)
    other = make_member(coop, name="Wati")
    savings_services.savings_deposit(
        actor=None, cooperative=coop, member=other, kind="sukarela", amount=5_000_000
    )
    done = approved(place_a, product, other, principal=1_000_000)
    client.force_login(place_a.kasir)
    everything = client.get(url("loans", coop))
    assert {loan.pk for loan in everything.context["loans"]} == {waiting.pk, done.pk}
    only = client.get(url("loans", coop) + "?status=approved")
    assert [loan.pk for loan in only.context["loans"]] == [done.pk]
    bad = client.get(url("loans", coop) + "?status=nonsense")
    assert bad.status_code == 400


# --- decisions and disbursement -------------------------------------------------------------------


def test_the_pengurus_decides_with_a_reason(client, place_a, product, borrower):
    coop = place_a.cooperative
    loan = apply(place_a, product, borrower)
    client.force_login(place_a.ketua)
    response = client.post(url("loans_decide", coop, loan.public_id), {"decision": "approve"})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    response = client.post(
        url("loans_decide", coop, loan.public_id),
        {"decision": "approve", "reason": "Usaha berjalan, simpanan cukup"},
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "approved"
    decision = LoanDecision.objects.get(loan=loan)
    assert decision.role == "pengurus" and decision.reason == "Usaha berjalan, simpanan cukup"


def test_the_maker_cannot_decide_and_sees_why(client, place_a, product, borrower):
    coop = place_a.cooperative
    loan = apply(place_a, product, borrower)  # recorded by the bendahara
    client.force_login(place_a.bendahara)
    response = client.post(
        url("loans_decide", coop, loan.public_id), {"decision": "approve", "reason": "Saya"}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    loan.refresh_from_db()
    assert loan.status == "applied" and not LoanDecision.objects.filter(loan=loan).exists()


def test_the_page_says_which_approvals_are_needed_and_why(client, place_a, product, borrower):
    coop = place_a.cooperative
    cooperative_services.policy_change(
        actor=None,
        cooperative=coop,
        effective_from=clock.today(),
        reason="Keputusan RAT",
        loan_approval_threshold=1_000_000,
    )
    loan = apply(place_a, product, borrower, principal=2_000_000)
    assert loan.needs_pengawas
    client.force_login(place_a.ketua)
    page = client.get(url("loans_detail", coop, loan.public_id))
    rows = page.context["approvals"]
    assert [str(r["role"]) for r in rows] == ["Pengurus", "Pengawas"]
    assert "Rp1.000.000" in " ".join(str(w) for w in rows[1]["why"])
    assert page.context["can_decide"] and not page.context["can_cosign"]
    client.force_login(place_a.pengawas)
    page = client.get(url("loans_detail", coop, loan.public_id))
    assert page.context["can_cosign"] and not page.context["can_decide"]
    response = client.post(
        url("loans_cosign", coop, loan.public_id), {"decision": "approve", "reason": "Setuju"}
    )
    assert response.status_code == 302
    assert LoanDecision.objects.get(loan=loan).role == "pengawas"


def test_the_kasir_disburses_an_approved_loan(client, place_a, product, borrower):
    coop = place_a.cooperative
    loan = approved(place_a, product, borrower)
    client.force_login(place_a.kasir)
    page = client.get(url("loans_disburse", coop, loan.public_id))
    assert page.status_code == 200
    assert page.context["fees"] == {"admin_fee": 20_000, "provisi": 10_000, "net": 1_970_000}
    key = page.context["form"].initial["idempotency_key"]
    data = {"channel": "cash", "on": clock.today().isoformat(), "idempotency_key": key}
    response = client.post(url("loans_disburse", coop, loan.public_id), data)
    assert response.status_code == 302
    client.post(url("loans_disburse", coop, loan.public_id), data)  # a double tap
    loan.refresh_from_db()
    assert loan.status == "active" and loan.outstanding_principal == 2_000_000
    assert loan.transactions.filter(kind="disbursement").count() == 1
    detail = client.get(url("loans_detail", coop, loan.public_id))
    assert len(detail.context["file"].installments) == 10


def test_a_loan_not_approved_is_not_disbursed(client, place_a, product, borrower):
    coop = place_a.cooperative
    loan = apply(place_a, product, borrower)
    client.force_login(place_a.kasir)
    data = {"channel": "cash", "on": clock.today().isoformat(), "idempotency_key": "d-1"}
    response = client.post(url("loans_disburse", coop, loan.public_id), data)
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    loan.refresh_from_db()
    assert loan.status == "applied" and not loan.transactions.exists()
    future = {**data, "on": (clock.today() + timedelta(days=1)).isoformat()}
    response = client.post(url("loans_disburse", coop, loan.public_id), future)
    assert response.status_code == 400 and response.context["form"].errors["on"]


def test_who_opens_which_loan_page(client, place_a, product, borrower):
    coop = place_a.cooperative
    loan = apply(place_a, product, borrower)
    expected = {
        # person: (detail, decide, cosign, disburse, apply)
        "ketua": (200, 200, 404, 404, 200),
        "bendahara": (200, 200, 404, 200, 200),
        "kasir": (200, 404, 404, 200, 404),
        "pengawas": (200, 404, 200, 404, 404),
        "sekretaris": (200, 404, 404, 404, 200),
        "anggota": (404, 404, 404, 404, 404),
    }
    for person, codes in expected.items():
        client.force_login(place_a.people[person])
        pages = [
            url(name, coop, loan.public_id)
            for name in ("loans_detail", "loans_decide", "loans_cosign", "loans_disburse")
        ]
        got = tuple(client.get(page).status_code for page in [*pages, url("loans_apply", coop)])
        assert got == codes, person


def test_documents_are_not_shown_to_supervisors(client, place_a, product, borrower, dinas):
    coop = place_a.cooperative
    loan = apply(
        place_a,
        product,
        borrower,
        collaterals=[
            {
                "kind": "emas",
                "description": "Kalung 10 gram",
                "estimated_value": 9_000_000,
                "document": SimpleUploadedFile("emas.png", PNG, "image/png"),
            }
        ],
    )
    collateral = Collateral.objects.get(loan=loan)
    document = url("loans_collateral_document", coop, loan.public_id, collateral.public_id)
    client.force_login(dinas)
    page = client.get(url("loans_detail", coop, loan.public_id))
    assert page.status_code == 200 and document not in page.content.decode()
    assert client.get(document).status_code == 404
    client.force_login(place_a.pengawas)
    assert client.get(document).status_code == 200


# --- reports --------------------------------------------------------------------------------------


@pytest.fixture
def portfolio(place_a, product, borrower):
    """Three active loans in classes 1, 3 and 5, and an application."""
    coop = place_a.cooperative
    loans = [active(place_a, product, borrower, principal=1_000_000)]
    for name, collectibility, days in (("Wati", 3, 100), ("Joko", 5, 200)):
        member = make_member(coop, name=name)
        Member.objects.filter(pk=member.pk).update(phone="+6285711112222")
        savings_services.savings_deposit(
            actor=None, cooperative=coop, member=member, kind="sukarela", amount=5_000_000
        )
        loan = active(place_a, product, member, principal=2_000_000)
        # What the daily close maintains on the loan.
        Loan.objects.filter(pk=loan.pk).update(
            collectibility=collectibility, days_past_due=days, penalty_due=15_000
        )
        loan.installments.filter(number=1).update(due_date=clock.today() - timedelta(days=days))
        loans.append(loan)
    apply(place_a, product, borrower, principal=500_000)
    return loans


def test_portfolio_by_product_and_status(client, place_a, portfolio):
    client.force_login(place_a.pengawas)
    response = client.get(url("loans_portfolio", place_a.cooperative))
    report = response.context["portfolio"]
    assert report.total.count == 4 and report.total.principal == 5_500_000
    assert report.total.outstanding == 5_000_000
    statuses = {status: row.count for status, row in report.by_status}
    assert statuses == {"applied": 1, "active": 3}
    assert "Rp5.500.000" in response.content.decode()


def test_aging_and_the_npl_ratio(client, place_a, portfolio):
    client.force_login(place_a.kasir)
    response = client.get(url("loans_aging", place_a.cooperative))
    aging = response.context["aging"]
    assert [c.count for c in aging.classes] == [1, 0, 1, 0, 1]
    assert aging.npl == 4_000_000 and aging.outstanding == 5_000_000
    assert aging.npl_ratio == Decimal("80.00")
    assert [b.count for b in aging.buckets] == [1, 0, 0, 0, 1, 0, 1]
    assert "80,00%" in response.content.decode()


def test_arrears_with_whatsapp_reminders_and_excel(client, place_a, portfolio):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    response = client.get(url("loans_arrears", coop))
    rows = response.context["rows"]
    assert [item["row"].member.full_name for item in rows] == ["Joko", "Wati"]
    first = rows[0]
    assert first["row"].penalty == 15_000 and first["row"].overdue > 0
    assert first["whatsapp"].startswith("https://wa.me/6285711112222?text=")
    html = response.content.decode()
    assert "+62857****2222" in html
    # The number is in the link only, never in the page's text.
    assert html.count("6285711112222") == html.count("wa.me/6285711112222")
    assert "Yth. Joko" in first["text"] and "Denda: Rp15.000" in first["text"]

    from openpyxl import load_workbook

    export = client.get(url("loans_arrears", coop) + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    names = [row[2] for row in values[4:]]
    assert names == ["Joko", "Wati"]
    assert "+6285711112222" not in str(values)


def test_reminder_text_is_indonesian_whatever_the_language(place_a, portfolio):
    from kopdes.loans import reports

    row = reports.arrears(cooperative=place_a.cooperative, today=clock.today())[0]
    text = reminder_text(cooperative="Koperasi X", row=row, today=clock.today())
    assert text.startswith("Yth. Joko,") and "Mohon dibayar" in text


def test_loan_card_page_and_pdf(client, place_a, portfolio, borrower):
    coop = place_a.cooperative
    client.force_login(place_a.ketua)
    page = client.get(url("loans_card", coop, borrower.public_id))
    assert page.status_code == 200
    assert [loan.principal for loan in page.context["loans"]] == [500_000, 1_000_000]
    pdf = client.get(url("loans_card", coop, borrower.public_id) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_reports_cross_tenant(client, cross_tenant, place_a, place_b, portfolio, borrower):
    for name in ("loans_portfolio", "loans_aging", "loans_arrears", "loans"):
        cross_tenant(client, place_b.ketua, url(name, place_a.cooperative))
    cross_tenant(client, place_b.ketua, url("loans_card", place_b.cooperative, borrower.public_id))
    loan = portfolio[0]
    cross_tenant(client, place_b.ketua, url("loans_detail", place_b.cooperative, loan.public_id))


# --- the menu -------------------------------------------------------------------------------------


def test_the_loans_menu_shows_only_what_the_person_may_open(client, place_a):
    coop = place_a.cooperative
    client.force_login(place_a.kasir)
    page = client.get(url("loans", coop))
    names = [item["name"] for item in page.context["nav_sub"]["loans"]]
    assert "loans_apply" not in names and "loans_product_new" not in names
    assert {"loans", "loans_products", "loans_portfolio", "loans_arrears"} <= set(names)
    main = {item["name"]: item["active"] for item in page.context["nav_items"]}
    assert main["loans"] is True
    client.force_login(place_a.bendahara)
    page = client.get(url("loans", coop))
    assert "loans_apply" in [item["name"] for item in page.context["nav_sub"]["loans"]]
    client.force_login(place_a.anggota)
    home = client.get(url("cooperative_home", coop))
    assert "loans" not in [item["name"] for item in home.context["nav_items"]]


def test_loan_labels_never_show_codes():
    from django.utils import translation

    from kopdes.web.templatetags import labels

    with translation.override("en"):
        assert labels.collectibility(3) == "Substandard (kurang lancar)"
        assert labels.loan_status("written_off") == "Written off"
        assert labels.loan_method("efektif") == "Efektif (menurun)"
    assert labels.collectibility(5) == "Macet"
    assert labels.loan_status("active") != "active"


def test_supervisors_read_the_reports_and_members_do_not(
    client, place_a, portfolio, borrower, dinas, kejaksaan
):
    coop = place_a.cooperative
    pages = [
        url(name, coop) for name in ("loans", "loans_portfolio", "loans_aging", "loans_arrears")
    ]
    pages.append(url("loans_card", coop, borrower.public_id))
    for person, status in ((dinas, 200), (kejaksaan, 200), (place_a.anggota, 404)):
        client.force_login(person)
        assert [client.get(page).status_code for page in pages] == [status] * len(pages)
    client.force_login(dinas)
    assert client.get(url("loans_apply", coop)).status_code == 404
    assert client.get(url("loans_product_new", coop)).status_code == 404


def test_the_lists_and_reports_read_a_fixed_number_of_queries(client, place_a, product, borrower):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coop = place_a.cooperative
    pages = [
        url("loans", coop),
        url("loans_arrears", coop),
        url("loans_portfolio", coop),
        url("loans_aging", coop),
        url("loans_card", coop, borrower.public_id),
    ]
    client.force_login(place_a.kasir)

    def counts():
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            found.append(len(queries))
        return found

    def lend(n):
        for _ in range(n):
            loan = active(place_a, product, borrower, principal=300_000, months=3)
            loan.installments.filter(number=1).update(due_date=clock.today() - timedelta(days=40))

    lend(2)
    two = counts()
    lend(3)
    assert counts() == two  # an N+1 would grow with the loans
