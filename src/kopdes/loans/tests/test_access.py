"""The member app's view of loans: one's own only, 404 for anyone else's."""

import pytest

from kopdes.loans import access, selectors
from kopdes.loans.errors import LoanNotFound
from kopdes.loans.tests.factories import make_active_loan, make_applied_loan
from kopdes.savings.tests.factories import make_member


def test_a_member_sees_their_own_loans_only(place_a, place_b):
    mine = make_active_loan(place_a, member=make_member(place_a.cooperative, user=place_a.anggota))
    other = make_applied_loan(place_a)
    elsewhere = make_applied_loan(place_b)
    assert list(selectors.my_loans(place_a.anggota)) == [mine]
    assert access.member_loan(place_a.anggota, mine.public_id) == mine
    for loan in (other, elsewhere):
        with pytest.raises(LoanNotFound):
            access.member_loan(place_a.anggota, loan.public_id)
    with pytest.raises(LoanNotFound):
        access.member_loan(place_a.anggota, "nope")
    assert selectors.own_loan_ids(
        place_a.anggota, place_a.cooperative.pk, {str(mine.public_id), str(other.public_id), "x"}
    ) == [str(mine.public_id)]
