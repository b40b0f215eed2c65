"""Pure rules of the funding sources (no ORM): the business lines a fund may be spent on, the
posting-rule keys of receipts and spendings, and what happens to a use of a restricted fund
outside its permitted lines (docs/adr/0025-fund-restricted-funds.md)."""

from django.utils.translation import gettext_lazy as _

# The business lines a fund's use names: the kinds of business unit
# (cooperatives.BusinessUnit.Kind, the office left out) and operating costs.
BUSINESS_LINES: dict[str, object] = {
    "sembako": _("Groceries (sembako)"),
    "simpan_pinjam": _("Savings and loans"),
    "klinik": _("Village clinic"),
    "apotek": _("Village pharmacy"),
    "pergudangan": _("Warehouse / cold storage"),
    "logistik": _("Logistics"),
    "lpg": _("LPG 3 kg"),
    "pupuk": _("Fertiliser (pupuk)"),
    "pertanian": _("Farming"),
    "peternakan": _("Livestock"),
    "ppob": _("Phone credit and bills (pulsa/PPOB)"),
    "lainnya": _("Other"),
    "operasional": _("Operating costs"),
}

SOURCE_KINDS = ("csr", "apbd_hibah", "dana_desa", "bank_loan", "other_loan")
# Grants come with strings attached: CSR and APBD hibah are restricted unless recorded otherwise.
RESTRICTED_BY_DEFAULT = frozenset({"csr", "apbd_hibah"})
# Grants the policy books as equity (hibah) or income (Policy.csr_capital_as_equity).
GRANT_KINDS = frozenset({"csr", "apbd_hibah"})
CHANNELS = ("bank", "cash")
SPEND_KINDS = ("asset", "expense", "working_capital")
OUTSIDE_LINES = ("refuse", "flag")
FLAG_DECISIONS = ("acknowledged", "resolved")


def line_label(line: str) -> str:
    return str(BUSINESS_LINES.get(line, line))


def permitted_line_errors(*, restricted: bool, lines: list[str]) -> list[str]:
    """Why a source's permitted lines cannot be recorded (empty when they can)."""
    problems: list[str] = []
    unknown = [line for line in lines if line not in BUSINESS_LINES]
    if unknown:
        problems.append(str(_("Unknown business line: %(lines)s.") % {"lines": ", ".join(unknown)}))
    if len(set(lines)) != len(lines):
        problems.append(str(_("A business line is listed twice.")))
    if restricted and not lines:
        problems.append(str(_("A restricted fund names at least one permitted business line.")))
    return problems


def receipt_key(*, kind: str, grant_as_equity: bool, channel: str) -> str:
    """The "fund.received" posting-rule key: `csr:equity`, `dana_desa`, `bank_loan:cash`, ..."""
    key = kind
    if kind in GRANT_KINDS:
        key += ":equity" if grant_as_equity else ":income"
    return key + (":cash" if channel == "cash" else "")


def spend_key(*, spend_kind: str, unit_code: str, channel: str) -> str:
    """The "fund.spent" posting-rule key: `asset:bank`, `expense:cash`,
    `working_capital:<unit code>:bank`."""
    if spend_kind == "working_capital":
        return f"working_capital:{unit_code}:{channel}"
    return f"{spend_kind}:{channel}"


def use_decision(*, restricted: bool, permitted: list[str], line: str, outside: str) -> str:
    """ "ok", "flag" or "refuse" for a use naming `line` of a fund, under the policy's
    `restricted_fund_outside_lines` (`outside`: "refuse" or "flag")."""
    if not restricted or line in permitted:
        return "ok"
    return "flag" if outside == "flag" else "refuse"


def flag_transition_allowed(current: str, new: str) -> bool:
    """The pengawas acknowledges an open flag or resolves an open or acknowledged one."""
    if new == "acknowledged":
        return current == "open"
    if new == "resolved":
        return current in ("open", "acknowledged")
    return False
