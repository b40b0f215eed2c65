"""Pure loan rules (no ORM): fees, the maximum a member may borrow, who must approve, the
related-party ceiling, loan numbers. The schedule itself is `kopdes.loans.schedule`."""

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

from kopdes.core.money import round_rupiah

PENGURUS = "pengurus"
PENGAWAS = "pengawas"
APPROVE = "approve"
REJECT = "reject"
ALLOCATION_PARTS = ("denda", "jasa", "pokok")


def fee(principal: int, percent: Decimal) -> int:
    """A fee of `percent` % of the principal, in whole rupiah (half up)."""
    return round_rupiah(Decimal(principal) * Decimal(percent) / 100)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def savings_multiple_limit(savings_total: int, multiple: Decimal) -> int:
    """The largest principal a savings-multiple rule allows: `multiple` times the member's
    savings, rounded down to the rupiah (never more than the rule says)."""
    return max(_floor(Decimal(savings_total) * Decimal(multiple)), 0)


def needs_pengawas(*, principal: int, threshold: int, related_party: bool) -> bool:
    """The pengawas must co-sign above the policy's threshold, and every related-party loan."""
    return related_party or principal > threshold


def required_roles(needs_pengawas: bool) -> tuple[str, ...]:
    return (PENGURUS, PENGAWAS) if needs_pengawas else (PENGURUS,)


def decision_outcome(decisions: Mapping[str, str], *, needs_pengawas: bool) -> str:
    """The application's status after `decisions` (role -> approve/reject): one refusal rejects
    it; every required approval approves it; otherwise it is still waiting ("applied")."""
    if REJECT in decisions.values():
        return "rejected"
    if all(decisions.get(role) == APPROVE for role in required_roles(needs_pengawas)):
        return "approved"
    return "applied"


def related_party_limit(own_capital: int, percent: Decimal) -> int:
    """The most the cooperative may lend to related parties: `percent` % of own capital (rounded
    down; nothing when own capital is zero or negative)."""
    return max(_floor(Decimal(own_capital) * Decimal(percent) / 100), 0)


def loan_number(year: int, serial: int) -> str:
    """PJ-2026-0001: the cooperative's loans of a year, numbered from 1."""
    return f"PJ-{year}-{serial:04d}"


def is_allocation_order(value: object) -> bool:
    """A payment's allocation order: denda, jasa and pokok, each once, in any order."""
    return (
        isinstance(value, list)
        and len(value) == len(ALLOCATION_PARTS)
        and sorted(value) == sorted(ALLOCATION_PARTS)
    )
