"""The member app's savings: balances by kind, transactions, bills, for the caller's own active
memberships (matched by Member.user). Nobody sees anyone else's savings here: the reads are
scoped by the token's person, not by an id in the URL."""

from datetime import date
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from kopdes.api.base import api, errors
from kopdes.api.schemas import CooperativeRef, cooperative_ref
from kopdes.core import clock
from kopdes.core.errors import NotFound
from kopdes.ledger import selectors as ledger_selectors
from kopdes.ledger import signing
from kopdes.savings import selectors
from kopdes.savings.errors import InvalidPeriod

router = Router(tags=["savings"])


class Balances(Schema):
    pokok: int
    wajib: int
    sukarela: int


class MembershipSavings(Schema):
    cooperative: CooperativeRef
    member_id: UUID
    niak: str
    balances: Balances
    total: int
    arrears: int = Field(description="Open simpanan bills (pokok, wajib), in rupiah")


class MySavingsOut(Schema):
    memberships: list[MembershipSavings]


class TransactionOut(Schema):
    id: UUID
    cooperative_id: UUID
    savings: str = Field(description="pokok, wajib or sukarela")
    savings_label: str = Field(description="The kind as a word, e.g. Simpanan wajib")
    type: str = Field(
        description="deposit, withdrawal, transfer_in, transfer_out, interest, refund, bill_payment,"
        " reversal_in, reversal_out (a correction: `corrected` marks the transaction it reverses)"
    )
    type_label: str = Field(description="The type as a word, in the caller's language")
    amount: int = Field(description="Rupiah; always positive, the type says the direction")
    balance_after: int
    date: date
    receipt: str
    journal: str = Field(description="The journal entry, e.g. JU-000123")
    journal_hash: str = Field(description="The entry's short hash, to check in the public ledger")
    entry_id: UUID = Field(description="The journal entry's id")
    leaf_hash: str = Field(
        description="Base64 RFC 9162 leaf hash of the entry: find it in the published tree"
    )
    proof: str = Field(
        description="Where the entry's inclusion proof is (GET, the caller's own token): "
        "/api/v1/ledger/entries/{entry_id}/proof"
    )
    corrected: bool = Field(description="Reversed by a later correction")


class TransactionPage(Schema):
    count: int
    items: list[TransactionOut]


class BillOut(Schema):
    id: UUID
    cooperative_id: UUID
    savings: str
    savings_label: str
    period: str
    amount: int
    paid_amount: int
    outstanding: int
    status: str
    status_label: str


class StatementRowOut(Schema):
    date: date
    type_label: str
    receipt: str
    credit: int
    debit: int
    balance: int


class StatementOut(Schema):
    savings: str = Field(description="pokok, wajib or sukarela")
    savings_label: str
    opened: bool = Field(description="False where no account of this kind was opened yet")
    opening: int = Field(description="The balance at the start of `date_from`")
    closing: int = Field(description="The balance at the end of `date_to`")
    credits: int
    debits: int
    rows: list[StatementRowOut]


class StatementsOut(Schema):
    cooperative: CooperativeRef
    niak: str
    date_from: date
    date_to: date
    accounts: list[StatementOut]


class StatementFilter(Schema):
    date_from: date | None = Field(None, description="The first day (1 January by default)")
    date_to: date | None = Field(None, description="The last day (today by default)")


class BillPage(Schema):
    count: int
    items: list[BillOut]


class Paging(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class BillFilter(Paging):
    open_only: bool = Field(False, description="Only unpaid and partly paid bills")


@router.get("/savings", response={200: MySavingsOut, **errors(401)})
def my_savings(request):
    """Balances of simpanan pokok, wajib and sukarela in each cooperative where the caller is an
    active member."""
    memberships = list(selectors.memberships(user=request.user))
    accounts: dict[int, dict[str, int]] = {}
    for account in selectors.my_accounts(user=request.user):
        accounts.setdefault(account.member_id, {})[account.kind] = account.balance
    arrears: dict[int, int] = {}
    for bill in selectors.my_bills(user=request.user).filter(status__in=selectors.OPEN_BILLS):
        arrears[bill.member_id] = arrears.get(bill.member_id, 0) + bill.outstanding
    out = []
    for member in memberships:
        balances = {
            k: accounts.get(member.pk, {}).get(k, 0) for k in ("pokok", "wajib", "sukarela")
        }
        out.append(
            {
                "cooperative": cooperative_ref(member.cooperative),
                "member_id": member.public_id,
                "niak": member.niak,
                "balances": balances,
                "total": sum(balances.values()),
                "arrears": arrears.get(member.pk, 0),
            }
        )
    return {"memberships": out}


@router.get("/savings/transactions", response={200: TransactionPage, **errors(401)})
def my_transactions(request, paging: Query[Paging]):
    """The caller's savings transactions, newest first, `offset`/`limit` paginated."""
    rows = selectors.my_transactions(user=request.user)
    page = list(rows[paging.offset : paging.offset + paging.limit])
    leaves = ledger_selectors.leaf_hashes(t.entry for t in page)
    return {
        "count": rows.count(),
        "items": [
            {
                "id": t.public_id,
                "cooperative_id": t.account.member.cooperative.public_id,
                "savings": t.account.kind,
                "savings_label": t.account.get_kind_display(),
                "type": t.kind,
                "type_label": t.get_kind_display(),
                "amount": t.amount,
                "balance_after": t.balance_after,
                "date": t.date,
                "receipt": t.receipt_label,
                "journal": str(t.entry),
                "journal_hash": t.entry.short_hash,
                "entry_id": t.entry.public_id,
                "leaf_hash": signing.b64(leaves[t.entry_id]),
                "proof": f"/api/v1/ledger/entries/{t.entry.public_id}/proof",
                "corrected": t.corrected,
            }
            for t in page
        ],
    }


@router.get("/bills", response={200: BillPage, **errors(401)})
def my_bills(request, filters: Query[BillFilter]):
    """The caller's simpanan bills (wajib monthly, pokok once), newest period first."""
    rows = selectors.my_bills(user=request.user)
    if filters.open_only:
        rows = rows.filter(status__in=selectors.OPEN_BILLS)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "count": rows.count(),
        "items": [
            {
                "id": b.public_id,
                "cooperative_id": b.member.cooperative.public_id,
                "savings": b.kind,
                "savings_label": b.get_kind_display(),
                "period": b.period,
                "amount": b.amount,
                "paid_amount": b.paid_amount,
                "outstanding": b.outstanding,
                "status": b.status,
                "status_label": b.get_status_display(),
            }
            for b in page
        ],
    }


STATEMENT_DAYS = 366


@router.get(
    "/memberships/{member_id}/savings-statement",
    response={200: StatementsOut, **errors(401, 404, 422)},
)
def my_statement(request, member_id: UUID, filters: Query[StatementFilter]):
    """The mutasi of the caller's simpanan in one of their active memberships (`member_id`, from
    `GET /me/memberships`) between two dates, at most a year (this year so far by default):
    each account's opening and closing balance, credits, debits and transactions with the
    running balance, as on the passbook. Another person's membership: 404 `request.not_found`;
    a period that ends before it starts or spans more than a year: 422
    `savings.invalid_period`."""
    member = selectors.memberships(user=request.user).filter(public_id=member_id).first()
    if member is None:
        raise NotFound()
    date_to = filters.date_to or clock.today()
    date_from = filters.date_from or date(date_to.year, 1, 1)
    if not 0 <= (date_to - date_from).days < STATEMENT_DAYS:
        raise InvalidPeriod(fields={"date_to": [str(InvalidPeriod.message)]})
    statements = selectors.member_statement(member=member, date_from=date_from, date_to=date_to)
    return {
        "cooperative": cooperative_ref(member.cooperative),
        "niak": member.niak,
        "date_from": date_from,
        "date_to": date_to,
        "accounts": [
            {
                "savings": s.kind,
                "savings_label": s.kind_label,
                "opened": s.account is not None,
                "opening": s.opening,
                "closing": s.closing,
                "credits": s.credits,
                "debits": s.debits,
                "rows": [
                    {
                        "date": r.txn.date,
                        "type_label": r.txn.get_kind_display(),
                        "receipt": r.txn.receipt_label,
                        "credit": r.credit,
                        "debit": r.debit,
                        "balance": r.balance,
                    }
                    for r in s.rows
                ],
            }
            for s in statements
        ],
    }


api.add_router("/me", router)
