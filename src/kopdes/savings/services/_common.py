"""Shared pieces of the savings services: checks, locks, receipts, posting lines, bulk rows."""

from collections import defaultdict
from collections.abc import Sequence as Seq
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import bulk, idempotency, months
from kopdes.core.money import AMOUNT_MAX, format_rupiah
from kopdes.ledger import services as ledger
from kopdes.ledger.models import PostingRule, Sequence
from kopdes.members.models import Member
from kopdes.savings import rules
from kopdes.savings.errors import (
    AmountAboveLimit,
    InvalidAmount,
    InvalidChannel,
    MemberNotActive,
    MemberNotFound,
    NotSetUp,
)
from kopdes.savings.models import (
    Bill,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)

RECEIPT_SEQUENCE = "savings_receipt"
SUBLEDGER = "savings"
CHANNELS = ("cash", "bank")
# Interest is posted in entries of at most this many member lines. Chosen when PostgreSQL's
# balance trigger summed an entry once per line (n^2 at commit); since ledger migration 0011 it
# checks each entry once (linear), so the size is no longer a speed matter.
INTEREST_LINES_PER_ENTRY = 200
Txn = SavingsTransaction


# -- helpers ----------------------------------------------------------------------------------


def _check_amount(amount: Any) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidAmount(fields={"amount": [_("Enter a whole number of rupiah above zero.")]})
    return amount


def _limit(cooperative: Cooperative, operation: str, on: date) -> int:
    """The policy's ceiling for one `operation` (deposit, withdrawal, transfer) on `on`; never
    above the platform's AMOUNT_MAX (the policy is validated against it)."""
    policy = policy_in_force(cooperative=cooperative, on=on) or policy_in_force(
        cooperative=cooperative, on=date(9999, 12, 31)
    )
    return min(getattr(policy, f"savings_{operation}_max"), AMOUNT_MAX)


def _check_limit(
    cooperative: Cooperative, operation: str, amount: int, on: date, *, limit: int | None = None
) -> None:
    """AmountAboveLimit when `amount` is above the ceiling (`limit`, when the caller read it)."""
    limit = _limit(cooperative, operation, on) if limit is None else limit
    if amount > limit:
        label = {"deposit": _("deposit"), "withdrawal": _("withdrawal"), "transfer": _("transfer")}
        raise AmountAboveLimit(
            amount=amount,
            limit=limit,
            operation=label[operation],
            fields={"amount": [_("At most %(max)s.") % {"max": format_rupiah(limit)}]},
        )


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidChannel(fields={"channel": [_("Choose cash or bank.")]})
    return channel


def _active_member(cooperative: Cooperative, member: Member) -> Member:
    if member.cooperative_id != cooperative.pk:
        raise MemberNotFound()
    if member.status != Member.Status.ACTIVE:
        raise MemberNotActive(member=member.full_name, status=member.get_status_display())
    return member


def _product(cooperative: Cooperative, kind: str) -> SavingsProduct:
    """The cooperative's product of `kind`, made by `savings_setup`; NotSetUp without it."""
    product = SavingsProduct.objects.filter(cooperative=cooperative, kind=kind).first()
    if product is None:
        raise NotSetUp()
    return product


def _locked_account(
    *, cooperative: Cooperative, member: Member, kind: str, on: date
) -> SavingsAccount:
    product = _product(cooperative, kind)
    account, _created = SavingsAccount.objects.get_or_create(
        cooperative=cooperative,
        member=member,
        kind=kind,
        defaults={"product": product, "opened_on": on},
    )
    return _lock(account.pk)


def _lock(pk: int) -> SavingsAccount:
    # Read the balance under a row lock: two tellers withdrawing from one account at the same
    # moment then run one after the other, and the second sees the first one's new balance
    # (without the lock both would pass the balance check; the CHECK constraint would then
    # reject the second only as an IntegrityError instead of a clear InsufficientBalance).
    return SavingsAccount.objects.select_for_update().select_related("product", "member").get(pk=pk)


def _receipt_numbers(cooperative: Cooperative, count: int = 1) -> int:
    """Take `count` gapless receipt numbers under the sequence row lock; returns the first.
    Taken in the same transaction as the rows that carry them, so a rollback leaves no gap."""
    sequence, _created = Sequence.objects.select_for_update().get_or_create(
        cooperative=cooperative, name=RECEIPT_SEQUENCE
    )
    first = sequence.last_value + 1
    Sequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return first


def _lines(rule: PostingRule, amount: int, *, debit_sub: str, credit_sub: str) -> list[ledger.Line]:
    """The rule's lines for one amount, each side carrying its own savings sub-ledger id (a
    transfer debits one member's account and credits another's in the same control account)."""
    out: list[ledger.Line] = []
    for spec in rule.lines:
        out.append(
            ledger.Line(
                account=spec["debit"],
                debit=amount,
                subledger_kind=SUBLEDGER if debit_sub else "",
                subledger_id=debit_sub,
            )
        )
        out.append(
            ledger.Line(
                account=spec["credit"],
                credit=amount,
                subledger_kind=SUBLEDGER if credit_sub else "",
                subledger_id=credit_sub,
            )
        )
    return out


def _rule(cooperative: Cooperative, event: str, key: str, on: date) -> PostingRule:
    return ledger.posting_rule_in_force(cooperative=cooperative, event=event, key=key, on=on)


def _once(cooperative: Cooperative, key: str | None, request: dict, run) -> Txn:
    """A counter transaction once per idempotency key (core.idempotency): the key and the request's
    fingerprint are stored on the transaction that carries the receipt. Always one database
    transaction, with a key or without (`once` runs a keyless request as it comes: the row locks
    and the all-or-nothing of a deposit must not depend on the caller passing a key)."""
    with transaction.atomic():
        return idempotency.once(
            Txn.objects.filter(cooperative=cooperative).select_related("account", "entry"),
            key=key,
            request=request,
            run=run,
        )


# -- bulk rows: through core.bulk, the one place for raw multi-row SQL --------------------------
# (these names stay for the savings services that call them)


def _insert(model, columns: Seq[str], rows: list[tuple], *, on_conflict: str = "") -> None:
    """Plain INSERTs for month-end volumes (bills, interest credits, imports): `core.bulk.insert`,
    which checks `columns` against the model. `rows` hold database-ready values (see `_db_uuid`,
    `_db_date`, `_db_now`)."""
    bulk.insert(model, rows, names=columns, on_conflict=on_conflict)


_db_uuid = bulk.db_uuid
_db_date = bulk.db_date
_db_now = bulk.db_now

# The columns the savings bulk writers fill, in the order their rows are built; core.bulk checks
# them against SavingsTransaction (the columns left out are nullable or have a database default).
TXN_COLUMNS = (
    "public_id",
    "cooperative_id",
    "account_id",
    "kind",
    "channel",
    "amount",
    "balance_after",
    "date",
    "memo",
    "entry_id",
    "receipt_number",
    "idempotency_key",
    "actor_label",
    "created_at",
)


def _store_balances(accounts: Seq[tuple[int, int]]) -> None:
    """Write (account id, new balance) pairs computed under the accounts' row locks."""
    bulk.update_column(SavingsAccount, "balance", accounts)


def _store_bills(bills: Seq[Bill]) -> None:
    bulk.update_rows(
        Bill, ("paid_amount", "status"), [(b.paid_amount, b.status, b.pk) for b in bills]
    )


def _settle_bills(
    *, cooperative: Cooperative, member: Member, kind: str, amount: int, on: date
) -> list[list[int]]:
    """Pay the member's open bills of `kind` due by the payment's month, oldest period first.
    Returns [bill id, rupiah paid on it] for each bill paid on (kept on the transaction, so a
    correction can reopen them). What is left stays on the account."""
    return _settle_bills_many(cooperative=cooperative, payments=[(member.pk, kind, amount)], on=on)[
        0
    ]


def _settle_bills_many(
    *, cooperative: Cooperative, payments: Seq[tuple[int, str, int]], on: date
) -> list[list[list[int]]]:
    """`_settle_bills` for many payments at once (a collective deposit's sheet): each payment is
    (member id, kind, amount), at most one per member and kind; one locked read of all their
    open bills and one write of the touched ones. Returns each payment's settlements, in order."""
    wanted = {(member_id, kind) for member_id, kind, _amount in payments}
    open_bills: dict[tuple[int, str], list[Bill]] = defaultdict(list)
    if wanted:
        for bill in (
            Bill.objects.select_for_update()
            .filter(
                cooperative=cooperative,
                member_id__in={member_id for member_id, _kind in wanted},
                kind__in={kind for _member_id, kind in wanted},
                status__in=[Bill.Status.UNPAID, Bill.Status.PARTIAL],
                period__lte=months.month_text(on.year, on.month),
            )
            .order_by("period", "pk")
        ):
            if (bill.member_id, bill.kind) in wanted:
                open_bills[(bill.member_id, bill.kind)].append(bill)
    touched: list[Bill] = []
    out: list[list[list[int]]] = []
    for member_id, kind, amount in payments:
        bills = open_bills.get((member_id, kind), [])
        settlements, _left = rules.settle_oldest_first(
            amount, [(b.pk, b.amount, b.paid_amount) for b in bills]
        )
        by_id = {b.pk: b for b in bills}
        for item in settlements:
            bill = by_id[item.bill_id]
            bill.paid_amount = item.paid_total
            bill.status = Bill.Status.PAID if item.settled else Bill.Status.PARTIAL
            touched.append(bill)
        out.append([[item.bill_id, item.paid] for item in settlements])
    _store_bills(touched)
    return out
