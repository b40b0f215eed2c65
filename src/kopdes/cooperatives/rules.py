"""Pure rules about cooperatives: names, legal numbers, policy values (no ORM)."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from kopdes.core.money import AMOUNT_MAX, format_rupiah

# Legal caps (Permenkop 8/2023): savings interest at most 9% a year, loans at most 24%.
SAVINGS_RATE_CAP = Decimal("9")
LOAN_RATE_CAP = Decimal("24")

DEFAULT_SHU_ALLOCATION = [
    {"key": "cadangan", "label": "Dana cadangan", "percent": "25"},
    {"key": "anggota", "label": "Jasa anggota (jasa modal dan jasa usaha)", "percent": "40"},
    {"key": "pemerintah_desa", "label": "Bagian Pemerintah Desa", "percent": "20"},
    {"key": "pengurus", "label": "Dana pengurus", "percent": "5"},
    {"key": "karyawan", "label": "Dana karyawan", "percent": "5"},
    {"key": "pendidikan", "label": "Dana pendidikan", "percent": "3"},
    {"key": "sosial", "label": "Dana sosial", "percent": "2"},
]

DEFAULT_POLICY = {
    "simpanan_pokok_amount": 50_000,
    "simpanan_wajib_amount": 20_000,
    "savings_rate_min": Decimal("0"),
    "savings_rate_max": Decimal("4"),
    "loan_rate_min": Decimal("6"),
    "loan_rate_max": Decimal("18"),
    "loan_approval_threshold": 10_000_000,
    "related_party_loan_limit_percent": Decimal("10"),
    "rat_quorum_percent": Decimal("50.01"),
    "rat_notice_days": 14,
    "pokok_wajib_as_equity": True,
    "csr_capital_as_equity": True,
    "shu_allocation": DEFAULT_SHU_ALLOCATION,
    # The largest single savings operation at the counter (Rp1 miliar each by default); the
    # platform's AMOUNT_MAX bounds them.
    "savings_deposit_max": 1_000_000_000,
    "savings_withdrawal_max": 1_000_000_000,
    "savings_transfer_max": 1_000_000_000,
    # The largest gerai purchase paid from simpanan sukarela (member credit); 0 = off.
    "member_credit_limit": 500_000,
    # The SHU's members' line (kopdes.shu): the share paid as jasa modal (the rest is jasa
    # usaha), the savings basis (year-end balance or the average of month-end balances; pokok and
    # wajib, with sukarela when included) and the transaction basis (purchases at the gerai, with
    # the loan interest paid when "purchases_and_interest").
    "shu_jasa_modal_percent": Decimal("40"),
    "shu_savings_basis": "year_end",
    "shu_savings_include_sukarela": False,
    "shu_transaction_basis": "purchases_and_interest",
}
SHU_SAVINGS_BASES = ("year_end", "average")
SHU_TRANSACTION_BASES = ("purchases", "purchases_and_interest")
SAVINGS_LIMIT_FIELDS = ("savings_deposit_max", "savings_withdrawal_max", "savings_transfer_max")


def cooperative_name(*, village_kind: str, village_name: str) -> str:
    """The programme's naming: Koperasi Desa Merah Putih <Desa> / Koperasi Kelurahan Merah Putih <Kelurahan>."""
    word = "Kelurahan" if village_kind == "kelurahan" else "Desa"
    return f"Koperasi {word} Merah Putih {village_name}"


def legal_number_errors(
    *, npwp: str = "", nib: str = "", registry_number: str = ""
) -> dict[str, list[str]]:
    """Structural checks of the cooperative's national numbers; empty means 'not yet issued'."""
    errors: dict[str, list[str]] = {}
    if npwp and not re.fullmatch(r"\d{15}|\d{16}", re.sub(r"[.\-\s]", "", npwp)):
        errors["npwp"] = [_("NPWP has 15 digits (or 16 for the NIK-based NPWP).")]
    if nib and not re.fullmatch(r"\d{13}", nib):
        errors["nib"] = [_("NIB has 13 digits.")]
    if registry_number and not re.fullmatch(r"\d{10,16}", registry_number):
        errors["registry_number"] = [_("The Nomor Induk Koperasi has 10 to 16 digits.")]
    return errors


def policy_errors(values: dict) -> dict[str, list[str]]:
    """Every reason the policy values are not acceptable, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in (
        "simpanan_pokok_amount",
        "simpanan_wajib_amount",
        "loan_approval_threshold",
        "member_credit_limit",
    ):
        value = values.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            add(field, _("Enter a whole rupiah amount of zero or more."))
        elif value > AMOUNT_MAX:
            add(field, _("At most %(max)s.") % {"max": format_rupiah(AMOUNT_MAX)})
    for field in SAVINGS_LIMIT_FIELDS:
        value = values.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= AMOUNT_MAX:
            add(
                field,
                _("Enter a whole rupiah amount above zero and at most %(max)s.")
                % {"max": format_rupiah(AMOUNT_MAX)},
            )
    for low, high, cap in (
        ("savings_rate_min", "savings_rate_max", SAVINGS_RATE_CAP),
        ("loan_rate_min", "loan_rate_max", LOAN_RATE_CAP),
    ):
        lo, hi = values.get(low), values.get(high)
        if not isinstance(lo, Decimal) or not isinstance(hi, Decimal):
            add(high, _("Enter the rates as numbers."))
            continue
        if lo < 0:
            add(low, _("A rate cannot be negative."))
        if lo > hi:
            add(low, _("The minimum rate is above the maximum."))
        if hi > cap:
            add(high, _("The law caps this rate at %(cap)s%% a year.") % {"cap": cap})
    quorum = values.get("rat_quorum_percent")
    if not isinstance(quorum, Decimal) or not (0 < quorum <= 100):
        add("rat_quorum_percent", _("The quorum is a percentage above 0 and at most 100."))
    limit = values.get("related_party_loan_limit_percent")
    if not isinstance(limit, Decimal) or not (0 <= limit <= 10):
        add(
            "related_party_loan_limit_percent",
            _("Related-party loans are limited to at most 10% of own capital."),
        )
    notice = values.get("rat_notice_days")
    if not isinstance(notice, int) or notice < 14:
        add("rat_notice_days", _("Members get at least 14 days' notice of the RAT."))
    jasa_modal = values.get("shu_jasa_modal_percent")
    if not isinstance(jasa_modal, Decimal) or not (0 <= jasa_modal <= 100):
        add("shu_jasa_modal_percent", _("The jasa modal share is a percentage from 0 to 100."))
    if values.get("shu_savings_basis") not in SHU_SAVINGS_BASES:
        add("shu_savings_basis", _("Choose the year-end balance or the average balance."))
    if not isinstance(values.get("shu_savings_include_sukarela"), bool):
        add("shu_savings_include_sukarela", _("Say whether simpanan sukarela counts."))
    if values.get("shu_transaction_basis") not in SHU_TRANSACTION_BASES:
        add(
            "shu_transaction_basis",
            _("Choose purchases, or purchases and loan interest paid."),
        )
    for message in shu_allocation_errors(values.get("shu_allocation")):
        add("shu_allocation", message)
    return errors


def shu_allocation_errors(lines) -> list[str]:
    """SHU allocation lines must have distinct keys, non-negative shares and total exactly 100%."""
    if not isinstance(lines, list) or not lines:
        return [_("Give at least one SHU allocation line.")]
    problems: list[str] = []
    keys = set()
    total = Decimal(0)
    for line in lines:
        try:
            key, label, percent = line["key"], line["label"], Decimal(str(line["percent"]))
        except (KeyError, TypeError, ArithmeticError):
            return [_("Each SHU allocation line needs a key, a label and a percentage.")]
        if not key or not label:
            problems.append(_("Each SHU allocation line needs a key and a label."))
        if key in keys:
            problems.append(_("SHU allocation line %(key)s appears twice.") % {"key": key})
        keys.add(key)
        if percent < 0:
            problems.append(_("A share cannot be negative."))
        total += percent
    if "cadangan" not in keys:
        problems.append(_("The allocation must include the reserve (cadangan)."))
    if total != 100:
        problems.append(
            _("The SHU allocation adds up to %(total)s%%, not exactly 100%%.") % {"total": total}
        )
    return problems
