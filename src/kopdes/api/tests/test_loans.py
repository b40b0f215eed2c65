"""The member app's own loans: GET /api/v1/me/loans, /me/loans/{id} (and the applications)."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from kopdes import testing
from kopdes.loans.models import Installment, Loan, LoanProduct
from kopdes.loans.schedule import schedule
from kopdes.savings.tests.factories import make_member

pytestmark = pytest.mark.django_db


def bearer(client, user):
    response = client.post(
        "/api/v1/auth/login",
        {"phone": user.phone, "password": testing.PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def product(cooperative, **change):
    values = {
        "name": "Pinjaman usaha",
        "method": "flat",
        "annual_rate": Decimal("12"),
        "tenor_min": 3,
        "tenor_max": 24,
        "max_amount": 50_000_000,
    }
    return LoanProduct.objects.create(cooperative=cooperative, **(values | change))


def loan(member, *, number, disbursed_on=None, paid=0, principal=6_000_000, months=6):
    """A loan as the loan services leave it (the installments from the engine; `paid` of them
    paid); made directly: reading it is what these tests are about."""
    coop = member.cooperative
    made = Loan.objects.create(
        cooperative=coop,
        number=number,
        member=member,
        product=LoanProduct.objects.filter(cooperative=coop).first() or product(coop),
        principal=principal,
        annual_rate=Decimal("12"),
        months=months,
        method="flat",
        purpose="Modal warung",
        status="active" if disbursed_on else "applied",
        applied_on=date(2026, 1, 5),
        disbursed_on=disbursed_on,
        outstanding_principal=0,
    )
    if disbursed_on:
        rows = schedule(
            principal=principal,
            annual_rate=Decimal("12"),
            months=months,
            method="flat",
            start=disbursed_on,
        )
        for row in rows:
            done = row.number <= paid
            Installment.objects.create(
                cooperative=coop,
                loan=made,
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                paid_principal=row.principal if done else 0,
                paid_interest=row.interest if done else 0,
                paid_on=row.due_date if done else None,
            )
        made.outstanding_principal = rows[paid - 1].outstanding if paid else principal
        made.save(update_fields=["outstanding_principal"])
    return made


@pytest.fixture
def borrower(place_a, place_b):
    """The anggota persona of A as a member of A with an active loan (2 of 6 paid) and an
    application; loans of other people in A and in B."""
    member = make_member(place_a.cooperative, user=place_a.anggota, name="Anggota A")
    active = loan(member, number="PJ-2026-0001", disbursed_on=date(2026, 1, 10), paid=2)
    applied = loan(member, number="PJ-2026-0002", principal=2_000_000, months=4)
    neighbour = loan(make_member(place_a.cooperative), number="PJ-2026-0003")
    stranger = loan(
        make_member(place_b.cooperative, user=place_b.anggota),
        number="PJ-2026-0001",
        disbursed_on=date(2026, 1, 10),
    )
    return {"active": active, "applied": applied, "others": [neighbour, stranger]}


def test_my_loans_lists_only_mine_with_the_next_installment(client, place_a, borrower):
    answer = client.get("/api/v1/me/loans", **bearer(client, place_a.anggota))
    assert answer.status_code == 200
    body = answer.json()
    assert [b["number"] for b in body] == ["PJ-2026-0002", "PJ-2026-0001"]  # newest first
    applied, active = body
    assert active["id"] == str(borrower["active"].public_id)
    assert active["cooperative"]["village_code"] == place_a.cooperative.village_id
    assert active["product"] == "Pinjaman usaha"
    assert active["status"] == "active" and active["method"] == "flat"
    assert active["principal"] == 6_000_000 and active["outstanding"] == 4_000_000
    assert Decimal(active["annual_rate"]) == Decimal("12")
    assert active["next_installment"] == {
        "number": 3,
        "due_date": "2026-04-10",
        "amount": 1_060_000,
        "principal": 1_000_000,
        "interest": 60_000,
    }
    assert applied["status"] == "applied" and applied["next_installment"] is None
    assert applied["outstanding"] == 0 and applied["disbursed_on"] is None


def test_my_loan_has_its_booked_schedule(client, place_a, borrower):
    loan_id = borrower["active"].public_id
    body = client.get(f"/api/v1/me/loans/{loan_id}", **bearer(client, place_a.anggota)).json()
    assert body["projected"] is False and body["purpose"] == "Modal warung"
    rows = body["schedule"]
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0] == {
        "number": 1,
        "due_date": "2026-02-10",
        "principal": 1_000_000,
        "interest": 60_000,
        "installment": 1_060_000,
        "outstanding": 5_000_000,
        "paid_principal": 1_000_000,
        "paid_interest": 60_000,
        "paid_on": "2026-02-10",
    }
    assert rows[2]["paid_on"] is None and rows[5]["outstanding"] == 0
    assert sum(r["principal"] for r in rows) == 6_000_000


def test_an_application_shows_the_schedule_its_terms_would_give(
    client, place_a, borrower, time_machine
):
    time_machine.move_to("2026-03-31 09:00 +07:00")
    loan_id = borrower["applied"].public_id
    body = client.get(f"/api/v1/me/loans/{loan_id}", **bearer(client, place_a.anggota)).json()
    assert body["projected"] is True
    expected = schedule(
        principal=2_000_000, annual_rate=12, months=4, method="flat", start=date(2026, 3, 31)
    )
    assert [(r["due_date"], r["installment"]) for r in body["schedule"]] == [
        (r.due_date.isoformat(), r.installment) for r in expected
    ]
    assert body["schedule"][0]["due_date"] == "2026-04-30"


def test_another_persons_loan_is_the_same_404_as_none(client, place_a, borrower):
    auth = bearer(client, place_a.anggota)
    answers = [
        client.get(f"/api/v1/me/loans/{other.public_id}", **auth) for other in borrower["others"]
    ]
    answers.append(client.get(f"/api/v1/me/loans/{uuid.uuid4()}", **auth))
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["error"]["code"] == "request.not_found"


def test_an_officer_without_a_membership_has_no_loans(client, place_a, borrower):
    auth = bearer(client, place_a.ketua)
    assert client.get("/api/v1/me/loans", **auth).json() == []
    active = borrower["active"].public_id
    assert client.get(f"/api/v1/me/loans/{active}", **auth).status_code == 404


def test_a_token_is_needed(client):
    assert client.get("/api/v1/me/loans").status_code == 401


# -- applications from the member app ---------------------------------------------------------

APPLY = "/api/v1/me/loans/applications"


@pytest.fixture
def applicant(place_a):
    from kopdes.loans.tests.factories import make_product

    member = make_member(place_a.cooperative, user=place_a.anggota, name="Anggota A")
    return member, make_product(place_a.cooperative)


def application(place, product, **change):
    return {
        "cooperative_id": str(place.cooperative.public_id),
        "product_id": str(product.public_id),
        "principal": 3_000_000,
        "months": 6,
        "purpose": "Modal warung sembako",
    } | change


def test_a_member_applies_in_the_app(client, place_a, applicant, time_machine):
    time_machine.move_to("2026-03-02 09:00 +07:00")
    member, product = applicant
    auth = bearer(client, place_a.anggota)
    answer = client.post(
        APPLY, application(place_a, product), content_type="application/json", **auth
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "applied" and body["projected"] is True
    assert body["principal"] == 3_000_000 and body["months"] == 6
    assert [r["due_date"] for r in body["schedule"]][:2] == ["2026-04-02", "2026-05-02"]
    saved = Loan.objects.get(public_id=body["id"])
    assert saved.member == member and saved.source == "member"
    assert saved.applied_by == place_a.anggota and saved.applied_on == date(2026, 3, 2)
    mine = client.get("/api/v1/me/loans", **auth).json()
    assert [m["id"] for m in mine] == [body["id"]]


def test_the_idempotency_key_header_makes_a_retry_safe(client, place_a, applicant):
    _member, product = applicant
    auth = bearer(client, place_a.anggota) | {"HTTP_IDEMPOTENCY_KEY": "app-7f3a"}
    body = application(place_a, product)
    first = client.post(APPLY, body, content_type="application/json", **auth)
    again = client.post(APPLY, body, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Loan.objects.filter(cooperative=place_a.cooperative).count() == 1
    other = client.post(
        APPLY, body | {"principal": 4_000_000}, content_type="application/json", **auth
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency.key_reused"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"months": 36}, 422, "loans.invalid_tenor"),
        ({"principal": 0}, 422, "loans.invalid_principal"),
        ({"principal": 60_000_000}, 422, "loans.amount_above_maximum"),
        ({"grace_months": 6}, 422, "loans.invalid_grace"),
        ({"purpose": " "}, 422, "loans.purpose_missing"),
        (
            {"guarantors": [{"niak": "9999", "relationship": "teman"}]},
            422,
            "loans.invalid_guarantor",
        ),
        ({"product_id": str(uuid.uuid4())}, 404, "loans.product_not_found"),
        ({"cooperative_id": str(uuid.uuid4())}, 404, "request.not_found"),
    ],
)
def test_refused_applications_save_nothing(client, place_a, applicant, change, status, code):
    _member, product = applicant
    answer = client.post(
        APPLY,
        application(place_a, product, **change),
        content_type="application/json",
        **bearer(client, place_a.anggota),
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert not Loan.objects.exists()


def test_only_where_the_caller_is_a_member(client, place_a, place_b, applicant):
    """An officer of A who is no member, and a member of A naming B's cooperative or product."""
    from kopdes.loans.tests.factories import make_product

    _member, product = applicant
    officer = client.post(
        APPLY,
        application(place_a, product),
        content_type="application/json",
        **bearer(client, place_a.ketua),
    )
    assert officer.status_code == 404
    b_product = make_product(place_b.cooperative)
    auth = bearer(client, place_a.anggota)
    for body in (application(place_b, b_product), application(place_a, b_product)):
        answer = client.post(APPLY, body, content_type="application/json", **auth)
        assert answer.status_code == 404
    assert not Loan.objects.exists()


def test_a_member_guarantor_by_niak(client, place_a, applicant):
    _member, product = applicant
    guarantor = make_member(place_a.cooperative, name="Penjamin Satu")
    body = application(
        place_a, product, guarantors=[{"niak": guarantor.niak, "relationship": "saudara"}]
    )
    answer = client.post(
        APPLY, body, content_type="application/json", **bearer(client, place_a.anggota)
    )
    assert answer.status_code == 201, answer.content
    loan = Loan.objects.get(public_id=answer.json()["id"])
    assert [g.member for g in loan.guarantors.all()] == [guarantor]


def test_the_products_a_member_may_ask_for(client, place_a, place_b, applicant):
    from kopdes.loans.tests.factories import make_product

    _member, _product = applicant
    make_product(place_b.cooperative, name="Pinjaman B")
    retired = make_product(place_a.cooperative, name="Pinjaman lama")
    LoanProduct.objects.filter(pk=retired.pk).update(active=False)
    body = client.get("/api/v1/me/loan-products", **bearer(client, place_a.anggota)).json()
    assert [(p["name"], p["cooperative_id"]) for p in body] == [
        ("Pinjaman Usaha", str(place_a.cooperative.public_id))
    ]
    assert body[0]["tenor_max"] == 24 and body[0]["max_amount"] == 50_000_000


SIMULATE = "/api/v1/me/loans/simulate"


def test_a_member_simulates_a_product_on_the_server(
    client, place_a, applicant, time_machine, django_assert_max_num_queries
):
    time_machine.move_to("2026-03-02 09:00 +07:00")
    _member, product = applicant
    auth = bearer(client, place_a.anggota)
    terms = {"product_id": str(product.public_id), "principal": 1_200_000, "months": 12}
    with django_assert_max_num_queries(4):  # the token, the product, the membership
        answer = client.post(SIMULATE, terms, content_type="application/json", **auth)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # the product's own rate and method (12 % flat): the engine's schedule, as disbursed today
    expected = schedule(
        principal=1_200_000,
        annual_rate=product.annual_rate,
        months=12,
        method=product.method,
        start=date(2026, 3, 2),
    )
    assert [r["installment"] for r in body["rows"]] == [r.installment for r in expected]
    assert body["rows"][0] == {
        "number": 1,
        "due_date": "2026-04-02",
        "principal": 100_000,
        "interest": 12_000,
        "installment": 112_000,
        "outstanding": 1_100_000,
    }
    assert body["total_interest"] == 144_000 and body["admin_fee"] == 12_000
    assert not Loan.objects.exists()  # nothing stored


def test_a_simulation_refuses_what_the_product_refuses(client, place_a, applicant):
    _member, product = applicant
    auth = bearer(client, place_a.anggota)
    too_long = {"product_id": str(product.public_id), "principal": 1_000_000, "months": 99}
    answer = client.post(SIMULATE, too_long, content_type="application/json", **auth)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "loans.invalid_tenor"
    assert "months" in answer.json()["error"]["fields"]


def test_another_cooperatives_product_is_404_and_a_token_is_needed(
    client, place_a, place_b, applicant
):
    from kopdes.loans.tests.factories import make_product

    other = make_product(place_b.cooperative, name="Pinjaman B")
    terms = {"product_id": str(other.public_id), "principal": 1_000_000, "months": 6}
    answer = client.post(
        SIMULATE, terms, content_type="application/json", **bearer(client, place_a.anggota)
    )
    assert answer.status_code == 404
    assert client.post(SIMULATE, terms, content_type="application/json").status_code == 401
    # an account without a membership (the cooperative's officer): no product is theirs
    _member, product = applicant
    terms["product_id"] = str(product.public_id)
    answer = client.post(
        SIMULATE, terms, content_type="application/json", **bearer(client, place_a.ketua)
    )
    assert answer.status_code == 404
