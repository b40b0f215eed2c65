"""Loan applications: by an officer, or by the member in the member app; for members only (the
closed loop of domain.md section 4), with guarantors and collateral and their documents."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, idempotency
from kopdes.core.actors import Actor, actor_label
from kopdes.core.audit import audit_record
from kopdes.core.money import AMOUNT_MAX
from kopdes.loans import rules, schedule, selectors
from kopdes.loans.errors import (
    AboveSavingsMultiple,
    AmountAboveMaximum,
    CollateralRequired,
    FeesAbovePrincipal,
    GraceTooLong,
    GuarantorRequired,
    InvalidCollateral,
    InvalidGuarantor,
    InvalidSource,
    InvalidTenor,
    MemberNotActive,
    MemberNotFound,
    NotAllowed,
    ProductInactive,
    ProductNotFound,
    PurposeMissing,
)
from kopdes.loans.models import Collateral, Guarantor, Loan, LoanProduct
from kopdes.loans.services._common import (
    _digest,
    _document,
    _loan_number,
    _policy,
    _require,
)
from kopdes.members import rules as member_rules
from kopdes.members.models import Member
from kopdes.members.selectors import known_regions

# How many guarantors and collateral items one application takes.
ITEMS_MAX = 10


@dataclass(frozen=True)
class GuarantorInput:
    """A guarantor (penjamin): a member of the cooperative, or a person named with their NIK."""

    member: Member | None = None
    name: str = ""
    nik: str = ""
    relationship: str = ""
    document: Any = None


@dataclass(frozen=True)
class CollateralInput:
    kind: str
    description: str
    estimated_value: int
    recognised_value: int = 0
    document: Any = None


def _as(kind: type, item: Any) -> Any:
    return item if isinstance(item, kind) else kind(**item)


@dataclass(frozen=True)
class _Guarantor:
    member: Member | None
    name: str
    nik: str
    relationship: str
    document: tuple[bytes, str] | None


@dataclass(frozen=True)
class _Collateral:
    kind: str
    description: str
    estimated_value: int
    recognised_value: int
    document: tuple[bytes, str] | None


def _guarantors(items: list[GuarantorInput], member: Member) -> list[_Guarantor]:
    out = []
    for n, item in enumerate(items, start=1):
        field = f"guarantors.{n}"
        relationship = str(item.relationship or "").strip()
        if len(relationship) > 100:
            raise InvalidGuarantor(fields={field: [_("The relationship: at most 100 characters.")]})
        document = _document(item.document, f"{field}.document")
        if item.member is not None:
            other = item.member
            if (
                other.cooperative_id != member.cooperative_id
                or other.pk == member.pk
                or other.status != Member.Status.ACTIVE
            ):
                raise InvalidGuarantor(
                    fields={field: [_("An active member of this cooperative, not the borrower.")]}
                )
            out.append(_Guarantor(other, "", "", relationship, document))
            continue
        name = str(item.name or "").strip()
        nik = member_rules.nik_normalize(item.nik)
        if not name or len(name) > 150:
            raise InvalidGuarantor(fields={f"{field}.name": [_("Give the guarantor's name.")]})
        # The NIK's own structure (region, date, serial); the sex is read from the day part.
        female = len(nik) == 16 and nik.isdigit() and int(nik[6:8]) > 40
        check = member_rules.nik_check(
            nik,
            sex=member_rules.FEMALE if female else member_rules.MALE,
            birth_date=None,
            known=known_regions(),
        )
        if check.errors or nik == member.nik:
            raise InvalidGuarantor(fields={f"{field}.nik": [_("Not a valid NIK.")]})
        out.append(_Guarantor(None, name, nik, relationship, document))
    return out


def _collaterals(items: list[CollateralInput]) -> list[_Collateral]:
    out = []
    for n, item in enumerate(items, start=1):
        field = f"collaterals.{n}"
        description = str(item.description or "").strip()
        estimated, recognised = item.estimated_value, item.recognised_value
        if (
            item.kind not in Collateral.Kind.values
            or not description
            or len(description) > 300
            or not isinstance(estimated, int)
            or isinstance(estimated, bool)
            or not 0 < estimated <= AMOUNT_MAX
            or not isinstance(recognised, int)
            or isinstance(recognised, bool)
            or not 0 <= recognised <= estimated
        ):
            raise InvalidCollateral(fields={field: [str(InvalidCollateral.message)]})
        document = _document(item.document, f"{field}.document")
        out.append(_Collateral(item.kind, description, estimated, recognised, document))
    return out


def _check_applicant(actor: Actor, cooperative: Cooperative, member: Member, source: str) -> None:
    if source == Loan.Source.OFFICER:
        _require(actor, cooperative, Capability.APPLY_LOANS)
    elif source == Loan.Source.MEMBER:
        if actor is None or member.user_id is None or member.user_id != actor.pk:
            raise NotAllowed()
    else:
        raise InvalidSource(fields={"source": [str(InvalidSource.message)]})


def _check_terms(
    *,
    member: Member,
    product: LoanProduct,
    principal: int,
    months: int,
    grace_months: int,
) -> None:
    """The product's rules, each with its own error; the engine checks the numbers first."""
    schedule.validate(
        principal=principal,
        annual_rate=product.annual_rate,
        months=months,
        method=product.method,
        grace_months=grace_months,
    )
    if not product.tenor_min <= months <= product.tenor_max:
        raise InvalidTenor(
            low=product.tenor_min,
            high=product.tenor_max,
            fields={
                "months": [
                    _("From %(low)s to %(high)s.")
                    % {"low": product.tenor_min, "high": product.tenor_max}
                ]
            },
        )
    if grace_months > product.grace_months_max:
        raise GraceTooLong(max=product.grace_months_max, fields={"grace_months": [_("Too long.")]})
    if principal > product.max_amount:
        raise AmountAboveMaximum(
            amount=principal, limit=product.max_amount, fields={"principal": [_("Too much.")]}
        )
    if product.max_savings_multiple is not None:
        savings = selectors.member_savings_total(member)
        limit = rules.savings_multiple_limit(savings, product.max_savings_multiple)
        if principal > limit:
            raise AboveSavingsMultiple(
                amount=principal,
                multiple=format(product.max_savings_multiple.normalize(), "f"),
                savings=savings,
                limit=limit,
                fields={"principal": [_("Too much for the member's savings.")]},
            )


def loan_application_preview(
    *, member: Member, product: LoanProduct, principal: int, months: int, grace_months: int = 0
) -> schedule.Simulation:
    """What an application for these terms would give, checked against the product's rules
    exactly as `loan_apply` checks them (the same errors), with the schedule from the engine the
    disbursement uses, as if disbursed today. Reads only; nothing is stored or audited."""
    _check_terms(
        member=member,
        product=product,
        principal=principal,
        months=months,
        grace_months=grace_months,
    )
    return schedule.simulate(
        principal=principal,
        annual_rate=product.annual_rate,
        months=months,
        method=product.method,
        start=clock.today(),
        grace_months=grace_months,
    )


def loan_apply(
    *,
    actor: Actor,
    cooperative: Cooperative,
    member: Member,
    product: LoanProduct,
    principal: int,
    months: int,
    purpose: str,
    grace_months: int = 0,
    guarantors: Any = (),
    collaterals: Any = (),
    source: str = "officer",
    on: date | None = None,
    idempotency_key: str | None = None,
) -> Loan:
    """Record an application (status "applied"): the member's request for `principal` rupiah over
    `months` months (`grace_months` interest-only first) under `product`, with its guarantors
    (GuarantorInput or dicts of its fields) and collateral (CollateralInput or dicts).

    `source` "officer": an officer with APPLY_LOANS applies for the member; "member": the member
    applies for themselves (the member app: `actor` is the member's own account). The rate,
    method, fees (admin and provisi, deducted at disbursement) are fixed now from the product.
    Whether it is a related-party loan (the borrower is a pengurus or pengawas or shares a KK
    with one) and whether the pengawas must co-sign (related party, or above the policy's
    loan_approval_threshold) are decided now and shown with the application.

    Raises NotAllowed, InvalidSource, MemberNotFound, MemberNotActive, ProductNotFound,
    ProductInactive, PurposeMissing, InvalidPrincipal, InvalidMonths, InvalidGrace, InvalidTenor,
    GraceTooLong, AmountAboveMaximum, AboveSavingsMultiple, GuarantorRequired, InvalidGuarantor,
    CollateralRequired, InvalidCollateral, InvalidDocument, FeesAbovePrincipal, NoPolicy,
    IdempotencyConflict. Nothing is saved when any check fails.
    """
    on = on or clock.today()
    guarantor_items = [_as(GuarantorInput, g) for g in guarantors]
    collateral_items = [_as(CollateralInput, c) for c in collaterals]
    if len(guarantor_items) > ITEMS_MAX or len(collateral_items) > ITEMS_MAX:
        field = "guarantors" if len(guarantor_items) > ITEMS_MAX else "collaterals"
        error = InvalidGuarantor if field == "guarantors" else InvalidCollateral
        raise error(fields={field: [_("At most %(max)s.") % {"max": ITEMS_MAX}]})
    _check_applicant(actor, cooperative, member, source)
    if member.cooperative_id != cooperative.pk:
        raise MemberNotFound()
    if product.cooperative_id != cooperative.pk:
        raise ProductNotFound()
    purpose = str(purpose or "").strip()
    if not purpose or len(purpose) > 300:
        raise PurposeMissing(fields={"purpose": [str(PurposeMissing.message)]})
    people = _guarantors(guarantor_items, member)
    things = _collaterals(collateral_items)
    request = {
        "operation": "apply",
        "member": member.pk,
        "product": product.pk,
        "principal": principal,
        "months": months,
        "grace_months": grace_months,
        "purpose": purpose,
        "source": source,
        "on": on,
        "guarantors": [
            [g.member.pk if g.member else None, g.name, g.nik, g.relationship, _digest(g.document)]
            for g in people
        ],
        "collaterals": [
            [c.kind, c.description, c.estimated_value, c.recognised_value, _digest(c.document)]
            for c in things
        ],
    }

    def run(fingerprint: str) -> Loan:
        borrower = Member.objects.select_for_update().get(pk=member.pk)
        if borrower.status != Member.Status.ACTIVE:
            raise MemberNotActive(member=borrower.full_name, status=borrower.get_status_display())
        current = LoanProduct.objects.get(pk=product.pk)
        if not current.active:
            raise ProductInactive()
        _check_terms(
            member=borrower,
            product=current,
            principal=principal,
            months=months,
            grace_months=grace_months,
        )
        if current.requires_guarantor and not people:
            raise GuarantorRequired(fields={"guarantors": [str(GuarantorRequired.message)]})
        if current.requires_collateral and not things:
            raise CollateralRequired(fields={"collaterals": [str(CollateralRequired.message)]})
        admin_fee = rules.fee(principal, current.admin_fee_percent)
        provisi = rules.fee(principal, current.provisi_percent)
        if admin_fee + provisi >= principal:
            raise FeesAbovePrincipal(fees=admin_fee + provisi, principal=principal)
        policy = _policy(cooperative, on)
        related = selectors.is_related_party(borrower, on)
        loan = Loan.objects.create(
            cooperative=cooperative,
            number=_loan_number(cooperative, on),
            member=borrower,
            product=current,
            principal=principal,
            annual_rate=current.annual_rate,
            months=months,
            method=current.method,
            grace_months=grace_months,
            purpose=purpose,
            source=source,
            related_party=related,
            needs_pengawas=rules.needs_pengawas(
                principal=principal,
                threshold=policy.loan_approval_threshold,
                related_party=related,
            ),
            applied_on=on,
            admin_fee=admin_fee,
            provisi=provisi,
            applied_by_id=actor.pk if actor is not None else None,
            applied_by_label=actor_label(actor),
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        for g in people:
            row = Guarantor(
                cooperative=cooperative,
                loan=loan,
                member=g.member,
                name=g.name,
                nik=g.nik,
                relationship=g.relationship,
            )
            if g.document:
                row.document.save(_file_name(g.document), ContentFile(g.document[0]), save=False)
            row.save()
        for c in things:
            item = Collateral(
                cooperative=cooperative,
                loan=loan,
                kind=c.kind,
                description=c.description,
                estimated_value=c.estimated_value,
                recognised_value=c.recognised_value,
            )
            if c.document:
                item.document.save(_file_name(c.document), ContentFile(c.document[0]), save=False)
            item.save()
        audit_record(
            actor=actor,
            action="loans.apply",
            obj=loan,
            after={
                "number": loan.number,
                "member": borrower.niak,
                "product": current.name,
                "principal": principal,
                "months": months,
                "grace_months": grace_months,
                "annual_rate": str(current.annual_rate),
                "method": current.method,
                "source": source,
                "related_party": related,
                "needs_pengawas": loan.needs_pengawas,
                "guarantor_count": len(people),
                "collateral_count": len(things),
            },
        )
        return loan

    with transaction.atomic():
        return idempotency.once(
            Loan.objects.filter(cooperative=cooperative),
            key=idempotency_key,
            request=request,
            run=run,
        )


def _file_name(content: tuple[bytes, str]) -> str:
    """A random name under MEDIA_ROOT (never served; pages stream a document to those who may
    see it), like the members' KTP photos."""
    return f"{uuid.uuid4().hex}.{content[1]}"
