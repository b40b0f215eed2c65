"""Token login for the member app, logout, and who am I."""

from datetime import date, datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kopdes.accounts.selectors import grants_of, roles_of
from kopdes.accounts.services import api_login_allowed, user_authenticate
from kopdes.accounts.tokens import token_issue, token_revoke
from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core.audit import audit_record

router = Router(tags=["auth"])


class LoginIn(Schema):
    phone: str
    password: str
    device: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime


class RoleOut(Schema):
    cooperative: CooperativeRef
    kind: str
    label: str
    since: date


class GrantOut(Schema):
    agency: str
    organisation: str
    region_prefix: str
    read_only: bool
    cooperatives: list[CooperativeRef]


class MeOut(Schema):
    id: UUID
    full_name: str
    phone: str
    language: str
    roles: list[RoleOut]
    supervision: list[GrantOut]


@router.post("/auth/login", auth=None, response={200: TokenOut, **errors(401, 403, 429)})
def login(request, payload: LoginIn):
    """Exchange a phone number (08…, 628… or +628…) and password for a bearer token.

    Throttled (429 `auth.locked_out`): after five failures for one number, from anywhere, each
    attempt waits longer (a minute, doubling, at most 15 minutes); many failures from one
    address block it for 15 minutes. 403 `auth.password_change_required` after a password reset
    until the person has changed the temporary password on the website.
    """
    user = user_authenticate(
        phone=payload.phone, password=payload.password, address=getattr(request, "client_ip", None)
    )
    api_login_allowed(user)
    token, row = token_issue(user=user, label=payload.device or _("member app"))
    audit_record(
        actor=user, action="auth.token_issue", obj=user, after={"token_prefix": row.prefix}
    )
    return {"token": token, "expires_at": row.expires_at}


@router.post("/auth/logout", response={204: None, **errors(401)})
def logout(request):
    """Revoke the token used for this request."""
    token_revoke(token=request.api_token)
    audit_record(actor=request.user, action="auth.token_revoke", obj=request.user)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request):
    """The person, their roles in cooperatives and their supervision scopes."""
    user = request.user
    return {
        "id": user.public_id,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "roles": [
            {
                "cooperative": cooperative_ref(r.cooperative),
                "kind": r.kind,
                "label": r.get_kind_display(),
                "since": r.started_on,
            }
            for r in roles_of(user=user)
        ],
        "supervision": [
            {
                "agency": g.agency,
                "organisation": g.organisation,
                "region_prefix": g.region_prefix,
                "read_only": g.read_only,
                "cooperatives": [cooperative_ref(c) for c in g.cooperatives.all()],
            }
            for g in grants_of(user=user)
        ],
    }


api.add_router("/", router)
