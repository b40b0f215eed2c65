"""Shared pieces of the loans services: permissions, locks, numbers, posting lines, documents.

`loan_event_lines` is what every loans service (disbursement, repayments, provisions) books
through: the posting rule in force on the day, each line carrying the loan's sub-ledger
reference (`loans:<Loan.public_id>`), so the GL control account 1-103 reconciles loan by loan.
"""

import hashlib
from datetime import date
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from kopdes.accounts.access import Capability, capabilities
from kopdes.cooperatives.models import Cooperative, Policy
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import idempotency
from kopdes.core.actors import Actor
from kopdes.ledger import services as ledger
from kopdes.ledger.models import Sequence
from kopdes.loans import rules
from kopdes.loans.errors import InvalidChannel, InvalidDocument, NoPolicy, NotAllowed
from kopdes.loans.models import Loan, LoanTransaction
from kopdes.members import rules as member_rules

SUBLEDGER = "loans"
CHANNELS = ("cash", "bank")
RECEIPT_SEQUENCE = "loan_receipt"
DOCUMENT_MAX_BYTES = 2 * 1024 * 1024


def _require(actor: Actor, cooperative: Cooperative, *needed: Capability) -> set[Capability]:
    """The actor's capabilities in the cooperative, when they include one of `needed`;
    NotAllowed otherwise (the service checks the role itself, whatever page or API calls it)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    held = capabilities(actor, cooperative)  # type: ignore[arg-type]
    if not held & set(needed):
        raise NotAllowed()
    return held


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidChannel(fields={"channel": [_("Choose cash or bank.")]})
    return channel


def _policy(cooperative: Cooperative, on: date) -> Policy:
    policy = policy_in_force(cooperative=cooperative, on=on)
    if policy is None:
        raise NoPolicy()
    return policy


def _lock(loan: Loan) -> Loan:
    """The loan under a row lock (its status and balance are read and written under it)."""
    return Loan.objects.select_for_update().select_related("member", "product").get(pk=loan.pk)


def _next_value(cooperative: Cooperative, name: str) -> int:
    """The next value of a gapless counter, under its row lock, in the caller's transaction."""
    sequence, _created = Sequence.objects.select_for_update().get_or_create(
        cooperative=cooperative, name=name
    )
    Sequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    return sequence.last_value + 1


def _loan_number(cooperative: Cooperative, on: date) -> str:
    return rules.loan_number(on.year, _next_value(cooperative, f"loan_number:{on.year}"))


def _receipt_number(cooperative: Cooperative) -> int:
    return _next_value(cooperative, RECEIPT_SEQUENCE)


def loan_event_lines(
    *, loan: Loan, event: str, key: str, on: date, amounts: dict[str, int]
) -> list[ledger.Line]:
    """The lines of a loan's event (`loan.disbursed`, `loan.repaid`, ...) by the posting rule in
    force on `on`, each carrying the loan's sub-ledger reference."""
    rule = ledger.posting_rule_in_force(cooperative=loan.cooperative, event=event, key=key, on=on)
    return ledger.event_lines(
        rule=rule, amounts=amounts, subledger_kind=SUBLEDGER, subledger_id=str(loan.public_id)
    )


def _once_txn(cooperative: Cooperative, key: str | None, request: dict, run) -> LoanTransaction:
    """A loan's money movement once per idempotency key (core.idempotency), always in one
    database transaction."""
    return idempotency.once(
        LoanTransaction.objects.filter(cooperative=cooperative).select_related("loan", "entry"),
        key=key,
        request=request,
        run=run,
    )


def _document(document: Any, field: str) -> tuple[bytes, str] | None:
    """An uploaded document (a Django File or bytes) read and checked: JPEG, PNG, WebP or PDF
    (by its first bytes, not its name), at most 2 MB. None when there is none."""
    if document is None or document == b"" or document == "":
        return None
    if isinstance(document, (bytes, bytearray)):
        data = bytes(document)
    else:
        size = getattr(document, "size", None)
        if size is not None and size > DOCUMENT_MAX_BYTES:
            raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
        if hasattr(document, "seek"):
            document.seek(0)
        data = document.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    kind = "pdf" if data[:5] == b"%PDF-" else member_rules.image_type(data[:16])
    if kind is None:
        raise InvalidDocument(fields={field: [str(InvalidDocument.message)]})
    return data, ("jpg" if kind == "jpeg" else kind)


def _digest(content: tuple[bytes, str] | None) -> str:
    return hashlib.sha256(content[0]).hexdigest() if content else ""
