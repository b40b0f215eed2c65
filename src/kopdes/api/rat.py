"""The members' meetings in the member app: the notice with its agenda and documents, online
check-in during the meeting, and the vote (one member, one vote; docs/adr/0024-rat-meetings-
and-ballots.md).

Everything is the caller's own: meetings of the cooperatives where they are an active member,
announced or later. Another cooperative's meeting or resolution is the same 404
`request.not_found` as an id that does not exist."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import P, Router, Schema, Status
from ninja.params import HeaderEx
from pydantic import Field

from kopdes.api.base import KEY_PATTERN, api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.errors import NotFound
from kopdes.rat import selectors, services
from kopdes.rat.errors import InvalidChoice
from kopdes.rat.models import Attendance, Meeting, Resolution, VoteReceipt

router = Router(tags=["rat"])


class AgendaItemOut(Schema):
    order: int
    title: str
    kind: str = Field(
        description="statements, shu, rapb, pengurus_report, pengawas_report, election, other"
    )


class DocumentOut(Schema):
    id: UUID
    kind: str
    title: str
    sha256: str = Field(description="SHA-256 of the file, to check a copy")


class QuorumOut(Schema):
    present: int
    members: int
    required: int = Field(description="Members present needed before anything is decided")
    met: bool


class ResolutionOut(Schema):
    id: UUID
    question: str
    ballot: Literal["open", "secret"]
    status: Literal["open", "closed"]
    outcome: Literal["adopted", "rejected"] | None = None
    yes: int | None = Field(None, description="Counts, once closed")
    no: int | None = None
    abstain: int | None = None
    voted: bool = Field(description="Whether the caller has voted (never what)")


class MeetingOut(Schema):
    id: UUID
    cooperative: CooperativeRef
    kind: Literal["rat", "ralb"]
    fiscal_year: int
    scheduled_at: datetime
    place: str
    online: bool
    join_info: str
    status: Literal["announced", "held", "closed"] = Field(
        description="announced (the notice), held (in session: check in and vote), closed"
    )
    deadline: date
    notice_text: str = Field(description="The notice, ready for WhatsApp")
    agenda: list[AgendaItemOut]
    documents: list[DocumentOut]
    quorum: QuorumOut
    attending: bool = Field(description="Whether the caller is recorded present")
    resolutions: list[ResolutionOut]


def _meeting_out(meeting: Meeting, member_id: int | None) -> dict:
    present, members, required, met = selectors.quorum(meeting)
    voted = (
        set(
            VoteReceipt.objects.filter(
                resolution__meeting=meeting, member_id=member_id
            ).values_list("resolution_id", flat=True)
        )
        if member_id is not None
        else set()
    )
    return {
        "id": meeting.public_id,
        "cooperative": cooperative_ref(meeting.cooperative),
        "kind": meeting.kind,
        "fiscal_year": meeting.fiscal_year,
        "scheduled_at": meeting.scheduled_at,
        "place": meeting.place,
        "online": meeting.online,
        "join_info": meeting.join_info,
        "status": meeting.status,
        "deadline": meeting.deadline,
        "notice_text": meeting.notice_text,
        "agenda": [
            {"order": i.order, "title": i.title, "kind": i.kind}
            for i in meeting.agenda.order_by("order")
        ],
        "documents": [
            {"id": d.public_id, "kind": d.kind, "title": d.title, "sha256": d.sha256}
            for d in meeting.documents.order_by("kind", "pk")
        ],
        "quorum": {"present": present, "members": members, "required": required, "met": met},
        "attending": member_id is not None
        and Attendance.objects.filter(meeting=meeting, member_id=member_id).exists(),
        "resolutions": [
            {
                "id": r.public_id,
                "question": r.question,
                "ballot": r.ballot,
                "status": r.status,
                "outcome": r.outcome or None,
                "yes": r.yes if r.status == Resolution.Status.CLOSED else None,
                "no": r.no if r.status == Resolution.Status.CLOSED else None,
                "abstain": r.abstain if r.status == Resolution.Status.CLOSED else None,
                "voted": r.pk in voted,
            }
            for r in selectors.resolutions(meeting).order_by("opened_at", "pk")
        ],
    }


def _member(request, meeting: Meeting):
    member = selectors.member_of(request.user, meeting.cooperative)
    if member is None:
        raise NotFound()
    return member


@router.get("/me/rat", response={200: list[MeetingOut], **errors(401)})
def my_rat(request):
    """The members' meetings of the caller's cooperatives, announced or later, newest first
    (at most 10): the notice, agenda, documents, quorum and resolutions."""
    out = []
    for meeting in selectors.my_meetings(request.user)[:10]:
        member = selectors.member_of(request.user, meeting.cooperative)
        out.append(_meeting_out(meeting, member.pk if member else None))
    return out


# What a document of the pack is, from its first bytes (the pack holds PDF and Excel files and
# scans).
CONTENT_TYPES = {
    b"%PDF": "application/pdf",
    b"PK\x03\x04": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
}


@router.get(
    "/me/rat/{meeting_id}/documents/{document_id}",
    response={200: None, **errors(401, 404)},
    summary="A document of a meeting's pack",
)
def my_rat_document(request, meeting_id: UUID, document_id: UUID):
    """The file of one document of the pack of a meeting of the caller's cooperative (its
    SHA-256 is in `GET /me/rat`). 404 `request.not_found` for another cooperative's meeting or
    document, or an absent one."""
    meeting = selectors.my_meeting(request.user, meeting_id)
    _member(request, meeting)
    document = meeting.documents.filter(public_id=document_id).first()
    if document is None or not document.file:
        raise NotFound()
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise NotFound() from None
    kind = next(
        (k for head, k in CONTENT_TYPES.items() if content.startswith(head)),
        "application/octet-stream",
    )
    response = HttpResponse(content, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'attachment; filename="rat-{document.public_id}"'
    response["X-Content-SHA256"] = document.sha256
    return response


class AttendanceOut(Schema):
    meeting_id: UUID
    mode: Literal["in_person", "online"]
    recorded_at: datetime


@router.post(
    "/me/rat/{meeting_id}/attendance",
    response={201: AttendanceOut, **errors(401, 403, 404, 409)},
    summary="Check in online to a meeting in session",
)
def my_rat_attendance(request, meeting_id: UUID):
    """Join a meeting in session online (the meeting must allow it): the caller counts towards
    the quorum and may vote. 404 `request.not_found` for a meeting of another cooperative; 409
    `rat.not_in_session` (before it opens or after it closes), `rat.not_online`,
    `rat.already_attending`; 422 `rat.not_a_member` (not a member on the meeting's day)."""
    meeting = selectors.my_meeting(request.user, meeting_id)
    row = services.attendance_record(
        actor=request.user, meeting=meeting, member=_member(request, meeting), mode="online"
    )
    return Status(
        201, {"meeting_id": meeting.public_id, "mode": row.mode, "recorded_at": row.recorded_at}
    )


class VoteIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"choice": "yes"}]}}

    choice: Literal["yes", "no", "abstain"] = Field(description="Agree, disagree or abstain")


class VoteOut(Schema):
    resolution_id: UUID
    cast_at: datetime
    channel: Literal["in_person", "app"]


KEY_TEXT = (
    "Any unique text per vote (1-100 visible ASCII characters): a retry with the same key and "
    "the same vote answers with the first receipt instead of voting again"
)


@router.post(
    "/me/rat/resolutions/{resolution_id}/vote",
    response={201: VoteOut, **errors(401, 403, 404, 409)},
    summary="Vote on a resolution (one member, one vote)",
)
def my_rat_vote(
    request,
    resolution_id: UUID,
    payload: VoteIn | None = None,
    idempotency_key: HeaderEx[
        str | None, P(alias="Idempotency-Key", description=KEY_TEXT, pattern=KEY_PATTERN)
    ] = None,
):
    """Vote on an open resolution of a meeting in session where the caller is recorded
    present. The answer is the receipt (that the caller voted; on a secret ballot nothing
    records what). 404 `request.not_found` for another cooperative's resolution; 409
    `rat.already_voted` (a second vote), `rat.did_not_attend`, `rat.resolution_closed`,
    `rat.not_in_session`, `idempotency.key_reused`; 422 `rat.invalid_choice`."""
    resolution = selectors.my_resolution(request.user, resolution_id)
    member = _member(request, resolution.meeting)
    if payload is None:
        raise InvalidChoice(fields={"choice": [str(InvalidChoice.message)]})
    receipt = services.vote_cast(
        actor=request.user,
        member=member,
        resolution=resolution,
        choice=payload.choice,
        channel="app",
        idempotency_key=idempotency_key,
    )
    return Status(
        201,
        {
            "resolution_id": resolution.public_id,
            "cast_at": receipt.cast_at,
            "channel": receipt.channel,
        },
    )


api.add_router("/", router)
