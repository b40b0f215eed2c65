"""Membership for the member app: ask to join the cooperative of one's village, and one's
memberships with their status and member number (NIAK)."""

from datetime import date
from uuid import UUID

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from kopdes.accounts import throttle
from kopdes.accounts.errors import Throttled
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.errors import NotFound
from kopdes.members import selectors, services

router = Router(tags=["members"])


class MembershipRequestIn(Schema):
    village_code: str = Field(
        ..., max_length=13, description="The desa/kelurahan code, e.g. 36.03.01.2003"
    )
    full_name: str = Field(..., max_length=150)
    nik: str = Field(..., max_length=20, description="16 digits, as on the KTP")
    sex: str = Field(..., pattern="^[FM]$", description="F (female) or M (male)")
    birth_date: date
    birth_place: str = Field("", max_length=100)
    address: str = Field(..., max_length=300)
    phone: str = Field("", max_length=20, description="Defaults to the account's number")
    occupation: str = Field("", max_length=100)
    kk_number: str = Field("", max_length=20)
    marital_status: str = Field(
        "",
        pattern="^(|belum_kawin|kawin|cerai_hidup|cerai_mati)$",
        description="As on the KTP; under 17 only a married person can join",
    )


class MembershipOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    status: str
    status_label: str
    niak: str
    full_name: str
    requested_on: date
    joined_on: date | None
    ended_on: date | None
    card_id: UUID | None = Field(None, description="Only once a member number is given")
    warnings: list[str]


def _out(member) -> dict:
    cooperative = member.cooperative
    return {
        "id": member.public_id,
        "cooperative": cooperative_ref(cooperative),
        "status": member.status,
        "status_label": str(member.get_status_display()),
        "niak": member.niak,
        "full_name": member.full_name,
        "requested_on": member.requested_on,
        "joined_on": member.joined_on,
        "ended_on": member.ended_on,
        "card_id": member.card_id if member.number else None,
        "warnings": selectors.warning_messages(member.nik_warnings),
    }


@router.post("/members/requests", response={201: MembershipOut, **errors(401, 403, 404, 409, 429)})
def membership_request(request, payload: MembershipRequestIn):
    """Ask to join the cooperative of a desa/kelurahan. Only its residents can join (422
    `member.outside_village` otherwise); the request waits for an officer's approval.

    409 `member.already_requested` when the caller already has a membership or a pending
    request there, `member.nik_taken` when the NIK is already registered there (naming nobody);
    404 `member.no_cooperative` when the village has no cooperative; 422 for invalid fields (the
    NIK is checked against the sex and date of birth); 403 `member.supervisor_cannot_request`
    for a supervisor's account; 429 `throttle.too_many_attempts` after too many requests from
    the account or the address (every attempt counts, accepted or not). Nothing in the answer
    is about another person or another cooperative.
    """
    limits = (
        (throttle.member_request_account(), str(request.user.pk)),
        (throttle.member_request_address(), getattr(request, "client_ip", None)),
    )
    wait = max(throttle.wait_seconds(limit, key) for limit, key in limits)
    if wait:
        raise Throttled(minutes=max(1, -(-wait // 60)))
    for limit, key in limits:
        throttle.hit(limit, key)
    member = services.member_request(actor=request.user, **payload.dict())
    member = selectors.memberships_of(user=request.user).get(pk=member.pk)
    return Status(201, _out(member))


@router.get("/me/memberships", response={200: list[MembershipOut], **errors(401)})
def my_memberships(request):
    """The caller's memberships and requests, in every cooperative, oldest first."""
    return [_out(m) for m in selectors.memberships_of(user=request.user)]


@router.post(
    "/me/memberships/{member_id}/ktp-photo",
    response={200: MembershipOut, **errors(401, 404, 409)},
)
def membership_ktp_photo(request, member_id: UUID, ktp_photo: File[UploadedFile | None] = None):
    """Add the KTP photo to one's own pending request (multipart, field `ktp_photo`): JPEG, PNG
    or WebP by its content, at most 2 MB (422 `member.invalid_ktp_photo`, nothing stored). 404
    for a membership that is not the caller's; 409 `member.request_not_pending` once decided."""
    member = selectors.memberships_of(user=request.user).filter(public_id=member_id).first()
    if member is None:  # before the body: another person's membership is 404 whatever is sent
        raise NotFound()
    services.member_request_ktp_photo(actor=request.user, member=member, photo=ktp_photo)
    return _out(selectors.memberships_of(user=request.user).get(pk=member.pk))


api.add_router("/", router)
