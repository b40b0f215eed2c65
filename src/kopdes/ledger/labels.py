"""Labels for the ledger's open-ended codes: journal sources (`sale.cash`, `savings.deposit`,
`reversal`), which are also the posting rules' events, and the parts of a posting rule's key
(`sembako:member`, `sukarela:cash`).

The one place a page, PDF or export turns such a code into words in the reader's language; a
source nobody has labelled yet still reads as words (`loan.disburse` -> "Loan: disburse").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from kopdes.cooperatives.models import BusinessUnit
from kopdes.core.labels import readable
from kopdes.ledger.models import Account

SOURCE_LABELS = {
    "manual": gettext_lazy("Manual journal"),
    "reversal": gettext_lazy("Reversal"),
    "year_end": gettext_lazy("Year-end closing"),
    "capital.csr_received": gettext_lazy("CSR capital received"),
    "cash.bank_deposit": gettext_lazy("Cash deposited in the bank"),
    "cash.bank_withdrawal": gettext_lazy("Cash drawn from the bank"),
    "cash.transfer_to_unit": gettext_lazy("Cash handed to a business unit"),
    "cash.transfer_from_unit": gettext_lazy("Takings from a business unit"),
    "expense.cash": gettext_lazy("Expense paid in cash"),
    "purchase.cash": gettext_lazy("Stock bought for cash"),
    "sale.cash": gettext_lazy("Cash sale"),
    "sale.completed": gettext_lazy("Outlet sale"),
    "sale.returned": gettext_lazy("Outlet sale return"),
    "shift.difference": gettext_lazy("Cash shift difference"),
    "savings.purchase": gettext_lazy("Outlet purchase paid from simpanan sukarela"),
    "savings.purchase_return": gettext_lazy("Outlet purchase returned to simpanan sukarela"),
    "savings": gettext_lazy("Savings"),
    "savings.deposit": gettext_lazy("Savings deposit"),
    "savings.withdraw": gettext_lazy("Savings withdrawal"),
    "savings.transfer": gettext_lazy("Savings transfer"),
    "savings.collective": gettext_lazy("Collective deposit"),
    "savings.interest": gettext_lazy("Savings interest"),
    "savings.refund": gettext_lazy("Savings refunded on leaving"),
    "savings.recap": gettext_lazy("Savings recap"),
    "loan.disbursed": gettext_lazy("Loan disbursed"),
    "loan.repaid": gettext_lazy("Loan repayment"),
    "loan.provision": gettext_lazy("Loan loss provision"),
    "stock.received": gettext_lazy("Goods received at an outlet"),
    "stock.transferred": gettext_lazy("Stock moved between units"),
    "stock.adjusted": gettext_lazy("Stock adjusted (opname or write-off)"),
    "qris.settled": gettext_lazy("QRIS settlement into the bank"),
    "fund.received": gettext_lazy("Funding received"),
    "fund.spent": gettext_lazy("Spending from a fund"),
    "bank_loan.installment_paid": gettext_lazy("Bank loan installment paid"),
    "shu.allocated": gettext_lazy("SHU divided as the RAT decided"),
    "shu.paid": gettext_lazy("SHU paid to a member"),
}

# The words a posting rule's key is made of, besides account codes and unit codes.
KEY_WORDS = {
    "cash": gettext_lazy("cash"),
    "bank": gettext_lazy("bank"),
    "pokok": gettext_lazy("simpanan pokok"),
    "wajib": gettext_lazy("simpanan wajib"),
    "sukarela": gettext_lazy("simpanan sukarela"),
    "increase": gettext_lazy("increase"),
    "decrease": gettext_lazy("decrease"),
    "credit": gettext_lazy("on credit (utang usaha)"),
    "member_credit": gettext_lazy("paid from simpanan sukarela"),
    "gain": gettext_lazy("surplus"),
    "loss": gettext_lazy("shortage or loss"),
    "over": gettext_lazy("cash over"),
    "short": gettext_lazy("cash short"),
    "csr": gettext_lazy("CSR grant"),
    "apbd_hibah": gettext_lazy("APBD grant (hibah)"),
    "dana_desa": gettext_lazy("Dana Desa participation"),
    "bank_loan": gettext_lazy("State-bank loan (PMK 49/2025)"),
    "other_loan": gettext_lazy("Other loan"),
    "equity": gettext_lazy("as equity"),
    "income": gettext_lazy("as income"),
    "asset": gettext_lazy("Asset purchase"),
    "expense": gettext_lazy("Operating expense"),
    "working_capital": gettext_lazy("Working capital for a gerai"),
    **{value: label for value, label in Account.Participation.choices},
}

# The named amounts of the posting rules' lines (`{"amount": "principal", ...}`), in words.
AMOUNT_LABELS = {
    "amount": gettext_lazy("amount"),
    "revenue": gettext_lazy("sales"),
    "cost": gettext_lazy("cost of goods"),
    "principal": gettext_lazy("principal (pokok)"),
    "interest": gettext_lazy("interest (jasa)"),
    "penalty": gettext_lazy("denda"),
    "fees": gettext_lazy("admin fee and provisi"),
}


def amount_label(name: str) -> str:
    """A posting rule line's amount name in words (`interest` -> "jasa"); unknown names as words."""
    label = AMOUNT_LABELS.get(name)
    return str(label) if label is not None else readable(name)


_ACCOUNT_CODE = re.compile(r"^\d+(-\d+)*$")


def source_label(code: str) -> str:
    """`sale.cash` -> "Penjualan tunai" (Indonesian) / "Cash sale" (English)."""
    if not code:
        return "—"
    label = SOURCE_LABELS.get(code)
    return str(label) if label is not None else readable(code)


def source_choices(codes) -> list[tuple[str, str]]:
    """(code, label) for a select of journal sources, by label."""
    return sorted(((code, source_label(code)) for code in codes), key=lambda c: c[1].lower())


def posting_key_label(key: str) -> str:
    """A posting rule's key in words: `sembako:member` -> "Sembako · Anggota"; account codes
    (`5-201`) stay as they are; an empty key (every case) is "*"."""
    if not key:
        return "*"
    units = dict(BusinessUnit.Kind.choices)
    parts = []
    for part in key.split(":"):
        if _ACCOUNT_CODE.match(part):
            parts.append(part)
        elif part in KEY_WORDS:
            parts.append(str(KEY_WORDS[part]))
        elif part in units:
            parts.append(str(units[part]))
        else:
            parts.append(readable(part))
    return " · ".join(parts)


_RULE = re.compile(r"^(?P<event>[\w.]+)/(?P<key>\S*) v(?P<version>\d+)$")


def rules_text(value) -> str:
    """The `rules` of a savings.setup audit row (`savings.deposit/pokok:cash v1`, ...) in words."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        match = _RULE.match(str(item))
        if match is None:
            out.append(str(item))
            continue
        key = match["key"]
        key_text = posting_key_label("" if key == "*" else key)
        out.append(f"{source_label(match['event'])} ({key_text}) v{match['version']}")
    return "; ".join(out)
