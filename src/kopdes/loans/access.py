"""Request id -> loan, for the member app: a member sees their own loans only (tenant first: the
loan must belong to one of the person's memberships). Officers' pages go through
`web.access.cooperative_page` and `selectors.loan_for_officer`."""

import uuid

from kopdes.accounts.models import User
from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id
from kopdes.loans.errors import LoanNotFound
from kopdes.loans.models import Loan
from kopdes.loans.selectors import my_loans


def member_loan(user: User, public_id: uuid.UUID | str) -> Loan:
    """One of `user`'s own loans; LoanNotFound (404) for anyone else's, a missing one or a
    malformed id alike."""
    try:
        key = parse_public_id(public_id)
    except NotFound:
        raise LoanNotFound() from None
    found = my_loans(user).filter(public_id=key).first()
    if found is None:
        raise LoanNotFound()
    return found
