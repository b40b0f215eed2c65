"""Applications: members only, the product's rules each with its code, guarantors and collateral
with their documents, related parties, idempotency, nothing half-saved."""

from decimal import Decimal

import pytest

from kopdes.core.errors import IdempotencyConflict
from kopdes.core.models import AuditEvent
from kopdes.loans import services
from kopdes.loans.errors import (
    AboveSavingsMultiple,
    AmountAboveMaximum,
    CollateralRequired,
    GraceTooLong,
    GuarantorRequired,
    InvalidCollateral,
    InvalidDocument,
    InvalidGrace,
    InvalidGuarantor,
    InvalidPrincipal,
    InvalidSource,
    InvalidTenor,
    MemberNotActive,
    MemberNotFound,
    NotAllowed,
    ProductInactive,
    ProductNotFound,
    PurposeMissing,
)
from kopdes.loans.models import Collateral, Guarantor, Loan
from kopdes.loans.tests.factories import D, make_applied_loan, make_product
from kopdes.members.models import Member
from kopdes.savings.services import savings_deposit
from kopdes.savings.tests.factories import make_member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n" + b"x" * 32
# A structurally valid NIK of Kabupaten Tangerang (36.03), a woman born 12-05-1985.
NIK = "3603015205850003"


def apply(place, member, **kwargs):
    values = {
        "actor": place.sekretaris,
        "cooperative": place.cooperative,
        "member": member,
        "product": kwargs.pop("product", None) or make_product(place.cooperative),
        "principal": 5_000_000,
        "months": 12,
        "purpose": "Modal warung",
        "on": D,
    }
    values.update(kwargs)
    return services.loan_apply(**values)


@pytest.fixture
def member(coop_a):
    return make_member(coop_a, name="Siti Aminah")


def test_an_officer_applies_for_a_member(place_a, member):
    loan = apply(place_a, member)
    assert loan.status == "applied" and loan.source == "officer"
    assert loan.number == "PJ-2026-0001"
    assert (loan.annual_rate, loan.method, loan.months) == (Decimal("12"), "flat", 12)
    # 1% admin and 0.5% provisi of 5 jt
    assert (loan.admin_fee, loan.provisi) == (50_000, 25_000)
    assert (loan.related_party, loan.needs_pengawas) == (False, False)
    assert loan.applied_by_id == place_a.sekretaris.pk
    assert apply(place_a, member).number == "PJ-2026-0002"
    event = AuditEvent.objects.get(action="loans.apply", object_id=str(loan.public_id))
    assert event.after["principal"] == 5_000_000


def test_above_the_policy_threshold_the_pengawas_must_co_sign(place_a, member):
    # The default policy's threshold is Rp10.000.000.
    assert apply(place_a, member, principal=10_000_000).needs_pengawas is False
    assert apply(place_a, member, principal=10_000_001).needs_pengawas is True


def test_a_member_applies_in_the_app_for_themselves_only(place_a, member):
    member.user = place_a.anggota
    member.save()
    loan = apply(place_a, member, actor=place_a.anggota, source="member")
    assert loan.source == "member" and loan.applied_by_label == str(place_a.anggota)
    other = make_member(place_a.cooperative)
    with pytest.raises(NotAllowed):
        apply(place_a, other, actor=place_a.anggota, source="member")
    with pytest.raises(InvalidSource):
        apply(place_a, member, source="agent")


def test_officers_without_the_right_and_outsiders_cannot_apply(place_a, place_b, member):
    for actor in (place_a.kasir, place_a.pengawas, place_b.ketua, None):
        with pytest.raises(NotAllowed):
            apply(place_a, member, actor=actor)


def test_members_only(place_a, place_b, member):
    stranger = make_member(place_b.cooperative)
    with pytest.raises(MemberNotFound):
        apply(place_a, stranger)
    member.status = Member.Status.RESIGNED
    member.save()
    with pytest.raises(MemberNotActive) as caught:
        apply(place_a, member)
    assert caught.value.code == "loans.member_not_active"


def test_the_product_must_be_this_cooperatives_and_offered(place_a, place_b, member):
    with pytest.raises(ProductNotFound):
        apply(place_a, member, product=make_product(place_b.cooperative))
    product = make_product(place_a.cooperative)
    services.loan_product_update(actor=None, product=product, active=False)
    with pytest.raises(ProductInactive):
        apply(place_a, member, product=product)


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"months": 25}, InvalidTenor, "loans.invalid_tenor"),
        ({"months": 0}, Exception, "loans.invalid_months"),
        ({"grace_months": 3}, GraceTooLong, "loans.grace_too_long"),
        ({"months": 2, "grace_months": 2}, InvalidGrace, "loans.invalid_grace"),
        ({"principal": 50_000_001}, AmountAboveMaximum, "loans.amount_above_maximum"),
        ({"principal": 0}, InvalidPrincipal, "loans.invalid_principal"),
        ({"principal": 1.5}, InvalidPrincipal, "loans.invalid_principal"),
        ({"purpose": " "}, PurposeMissing, "loans.purpose_missing"),
    ],
)
def test_the_products_rules(place_a, member, kwargs, error, code):
    with pytest.raises(error) as caught:
        apply(place_a, member, **kwargs)
    assert caught.value.code == code
    assert not Loan.objects.filter(cooperative=place_a.cooperative).exists()


def test_a_savings_multiple_caps_the_principal(place_a, member):
    product = make_product(place_a.cooperative, name="Kelipatan", max_savings_multiple=Decimal("3"))
    with pytest.raises(AboveSavingsMultiple) as caught:
        apply(place_a, member, product=product, principal=1_000_000)
    assert caught.value.params["savings"] == 0
    savings_deposit(
        actor=place_a.kasir,
        cooperative=place_a.cooperative,
        member=member,
        kind="sukarela",
        amount=400_000,
        on=D,
    )
    with pytest.raises(AboveSavingsMultiple) as caught:
        apply(place_a, member, product=product, principal=1_200_001)
    assert caught.value.params["limit"] == 1_200_000
    assert apply(place_a, member, product=product, principal=1_200_000).principal == 1_200_000


def test_guarantors_and_collateral_when_the_product_requires_them(place_a, member):
    product = make_product(
        place_a.cooperative, name="Beragunan", requires_guarantor=True, requires_collateral=True
    )
    with pytest.raises(GuarantorRequired):
        apply(place_a, member, product=product)
    guarantor = {"name": "Ahmad Fauzi", "nik": NIK, "relationship": "Suami", "document": PNG}
    with pytest.raises(CollateralRequired):
        apply(place_a, member, product=product, guarantors=[guarantor])
    collateral = services.CollateralInput(
        kind="bpkb",
        description="BPKB Honda Beat 2019 B 1234 XYZ",
        estimated_value=9_000_000,
        recognised_value=6_000_000,
        document=PDF,
    )
    loan = apply(place_a, member, product=product, guarantors=[guarantor], collaterals=[collateral])
    person = Guarantor.objects.get(loan=loan)
    assert (person.name, person.nik, person.relationship) == ("Ahmad Fauzi", NIK, "Suami")
    assert person.document.name.endswith(".png")
    item = Collateral.objects.get(loan=loan)
    assert (item.kind, item.recognised_value) == ("bpkb", 6_000_000)
    with item.document.open("rb") as stored:
        assert stored.read() == PDF
    # the audit row never holds the guarantor's NIK
    event = AuditEvent.objects.get(action="loans.apply", object_id=str(loan.public_id))
    assert NIK not in str(event.after)


def test_a_member_guarantor(place_a, place_b, member):
    other = make_member(place_a.cooperative, name="Budi")
    loan = apply(place_a, member, guarantors=[services.GuarantorInput(member=other)])
    assert Guarantor.objects.get(loan=loan).member == other
    for bad in (member, make_member(place_b.cooperative)):
        with pytest.raises(InvalidGuarantor):
            apply(place_a, member, guarantors=[{"member": bad}])


@pytest.mark.parametrize(
    "nik",
    [
        "123",  # not 16 digits
        "9903015205850003",  # no such province
        "3603019905850003",  # day 99
        "3603015205850000",  # serial 0000
    ],
)
def test_a_guarantor_outside_the_membership_needs_a_valid_nik(place_a, member, nik):
    with pytest.raises(InvalidGuarantor) as caught:
        apply(place_a, member, guarantors=[{"name": "Ahmad", "nik": nik}])
    assert "guarantors.1.nik" in caught.value.fields


def test_bad_collateral_and_documents(place_a, member):
    good = {"kind": "emas", "description": "Kalung emas 10 gram", "estimated_value": 9_000_000}
    for bad in (
        {**good, "kind": "sapi"},
        {**good, "description": ""},
        {**good, "estimated_value": 0},
        {**good, "recognised_value": 9_000_001},
    ):
        with pytest.raises(InvalidCollateral):
            apply(place_a, member, collaterals=[bad])
    with pytest.raises(InvalidDocument) as caught:
        apply(place_a, member, collaterals=[{**good, "document": b"MZ\x90\x00 not a picture"}])
    assert "collaterals.1.document" in caught.value.fields
    big = PNG + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(InvalidDocument):
        apply(place_a, member, guarantors=[{"name": "Ahmad", "nik": NIK, "document": big}])


def test_nothing_is_half_saved(place_a, member):
    """A refusal found after the first guarantor was read leaves no loan, guarantor or
    collateral, and takes no loan number."""
    product = make_product(place_a.cooperative, name="Beragunan", requires_collateral=True)
    with pytest.raises(CollateralRequired):
        apply(
            place_a,
            member,
            product=product,
            guarantors=[{"name": "Ahmad Fauzi", "nik": NIK, "document": PNG}],
        )
    assert not Loan.objects.filter(cooperative=place_a.cooperative).exists()
    assert not Guarantor.objects.filter(cooperative=place_a.cooperative).exists()
    assert apply(place_a, member).number == "PJ-2026-0001"


def test_the_same_key_returns_the_first_application_and_refuses_another_request(place_a, member):
    first = apply(place_a, member, idempotency_key="apl-1")
    again = apply(place_a, member, idempotency_key="apl-1")
    assert again.pk == first.pk
    assert Loan.objects.filter(cooperative=place_a.cooperative).count() == 1
    with pytest.raises(IdempotencyConflict):
        apply(place_a, member, idempotency_key="apl-1", principal=6_000_000)
    assert AuditEvent.objects.filter(action="loans.apply").count() == 1


def test_a_pengurus_or_pengawas_borrowing_is_a_related_party(place_a, member):
    ketua_member = make_member(place_a.cooperative, user=place_a.ketua)
    loan = apply(place_a, ketua_member, principal=1_000_000)
    assert (loan.related_party, loan.needs_pengawas) == (True, True)
    pengawas_member = make_member(place_a.cooperative, user=place_a.pengawas)
    assert apply(place_a, pengawas_member, principal=1_000_000).related_party
    # the kasir is staff, not pengurus: not a related party
    kasir_member = make_member(place_a.cooperative, user=place_a.kasir)
    assert not apply(place_a, kasir_member, principal=1_000_000).related_party
    assert not apply(place_a, member, principal=1_000_000).related_party


def test_sharing_a_family_card_with_an_officer_is_a_related_party(place_a, member):
    kk = "3603011203150007"
    place_a.bendahara.kk_number = kk
    place_a.bendahara.save()
    member.kk_number = kk
    member.save()
    assert apply(place_a, member).related_party
    # ... or with an officer's own membership
    other_kk = "3603011203150008"
    officer_member = make_member(place_a.cooperative, user=place_a.sekretaris)
    officer_member.kk_number = other_kk
    officer_member.save()
    spouse = make_member(place_a.cooperative)
    spouse.kk_number = other_kk
    spouse.save()
    assert apply(place_a, spouse).related_party


def test_made_by_the_factory(place_a):
    loan = make_applied_loan(place_a)
    assert loan.status == "applied" and loan.applied_on == D
