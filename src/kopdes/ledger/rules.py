"""Pure ledger rules: the chart-of-accounts template, the default posting rules, line checks.

The template follows the common numbering of docs/domain.md §3 (1 aset, 2 liabilitas,
3 ekuitas, 4 pendapatan, 5 beban). Accounts that reports need per business unit (kas,
persediaan, partisipasi, HPP) get one sub-account per gerai, suffixed with the unit's number.
"""

from dataclasses import dataclass

# Units that sell goods have stock and cost of goods sold; every unit but the office and the
# savings-and-loan unit earns participation income.
GOODS_UNITS = frozenset({"sembako", "apotek", "lpg", "pupuk", "pertanian", "peternakan", "ppob"})
NO_SALES_UNITS = frozenset({"kantor", "simpan_pinjam"})
# Units that hold stock (kopdes.commerce): the goods units and the warehouse (pergudangan), which
# keeps stock for the outlets but does not sell it itself.
STOCK_UNITS = GOODS_UNITS | {"pergudangan"}


@dataclass(frozen=True)
class AccountSpec:
    code: str
    name: str
    kind: str
    parent: str = ""
    contra: bool = False
    is_header: bool = False
    is_cash: bool = False
    cash_flow: str = "operating"
    participation: str = ""
    unit: str = ""  # business unit code for per-gerai accounts


# The GL control accounts of the sub-ledgers: member savings (simpanan sukarela 2-101; pokok and
# wajib as equity 3-101/3-102 or, under a policy that treats them as debt, 2-111/2-112: see
# kopdes.savings.rules.CONTROL_ACCOUNTS) and member loans (piutang pinjaman anggota 1-103). Only
# the owning sub-ledger posts to them (with the member's reference on the line); manual
# journals are refused (ledger.control_account).
SUBLEDGER_CONTROL_ACCOUNTS = frozenset({"1-103", "2-101", "2-111", "2-112", "3-101", "3-102"})

# A manual journal with more lines than this is a data import, not a form (ledger.too_many_lines).
MANUAL_JOURNAL_MAX_LINES = 60

FIXED_ACCOUNTS: list[AccountSpec] = [
    AccountSpec("1", "Aset", "asset", is_header=True),
    AccountSpec("1-101", "Kas", "asset", "1", is_header=True),
    AccountSpec("1-102", "Bank", "asset", "1", is_cash=True),
    AccountSpec("1-103", "Piutang pinjaman anggota", "asset", "1"),
    AccountSpec("1-104", "Cadangan kerugian piutang", "asset", "1", contra=True),
    AccountSpec("1-105", "Piutang usaha", "asset", "1"),
    AccountSpec("1-106", "Piutang jasa pinjaman", "asset", "1"),
    AccountSpec("1-107", "Persediaan", "asset", "1", is_header=True),
    AccountSpec("1-108", "Biaya dibayar dimuka", "asset", "1"),
    AccountSpec("1-109", "Dana QRIS dalam penyelesaian", "asset", "1"),
    AccountSpec("1-110", "Kliring belanja dengan simpanan", "asset", "1"),
    AccountSpec("1-201", "Investasi", "asset", "1", cash_flow="investing"),
    AccountSpec("1-301", "Aset tetap", "asset", "1", cash_flow="investing"),
    AccountSpec(
        "1-302", "Akumulasi penyusutan aset tetap", "asset", "1", contra=True, cash_flow="investing"
    ),
    AccountSpec("2", "Liabilitas", "liability", is_header=True),
    AccountSpec("2-101", "Simpanan sukarela", "liability", "2", cash_flow="financing"),
    AccountSpec("2-102", "Utang usaha", "liability", "2"),
    AccountSpec("2-103", "Dana pengurus", "liability", "2"),
    AccountSpec("2-104", "Dana karyawan", "liability", "2"),
    AccountSpec("2-105", "Dana pendidikan", "liability", "2"),
    AccountSpec("2-106", "Dana sosial", "liability", "2"),
    AccountSpec("2-107", "Dana pembangunan daerah kerja", "liability", "2"),
    AccountSpec("2-108", "SHU anggota belum dibayar", "liability", "2", cash_flow="financing"),
    AccountSpec(
        "2-109", "Bagian SHU Pemerintah Desa terutang", "liability", "2", cash_flow="financing"
    ),
    AccountSpec("2-110", "Utang pajak", "liability", "2"),
    AccountSpec("2-201", "Utang bank (Himbara)", "liability", "2", cash_flow="financing"),
    AccountSpec("2-202", "Utang lain-lain", "liability", "2", cash_flow="financing"),
    AccountSpec("3", "Ekuitas", "equity", is_header=True),
    AccountSpec("3-101", "Simpanan pokok", "equity", "3", cash_flow="financing"),
    AccountSpec("3-102", "Simpanan wajib", "equity", "3", cash_flow="financing"),
    AccountSpec("3-103", "Hibah/CSR", "equity", "3", cash_flow="financing"),
    AccountSpec("3-104", "Cadangan", "equity", "3", cash_flow="financing"),
    AccountSpec("3-105", "Cadangan risiko", "equity", "3", cash_flow="financing"),
    AccountSpec("3-106", "SHU belum dibagi", "equity", "3", cash_flow="financing"),
    AccountSpec("3-107", "Modal penyertaan Dana Desa", "equity", "3", cash_flow="financing"),
    AccountSpec("4", "Pendapatan", "income", is_header=True),
    AccountSpec("4-101", "Partisipasi anggota", "income", "4", is_header=True),
    AccountSpec(
        "4-102", "Partisipasi anggota: jasa pinjaman", "income", "4", participation="member"
    ),
    AccountSpec("4-201", "Pendapatan dari non-anggota", "income", "4", is_header=True),
    AccountSpec("4-301", "Jasa administrasi dan provisi", "income", "4", participation="member"),
    AccountSpec("4-302", "Pendapatan denda pinjaman", "income", "4", participation="member"),
    AccountSpec("4-901", "Pendapatan lain-lain", "income", "4", participation="non_member"),
    AccountSpec("4-902", "Pendapatan hibah", "income", "4", participation="non_member"),
    AccountSpec("5", "Beban", "expense", is_header=True),
    AccountSpec("5-101", "Harga pokok penjualan", "expense", "5", is_header=True),
    AccountSpec("5-201", "Beban gaji dan honor", "expense", "5"),
    AccountSpec("5-202", "Beban sewa", "expense", "5"),
    AccountSpec("5-203", "Beban listrik, air dan telepon", "expense", "5"),
    AccountSpec("5-204", "Beban transportasi", "expense", "5"),
    AccountSpec("5-205", "Beban penyusutan", "expense", "5"),
    AccountSpec("5-206", "Beban selisih dan kerusakan persediaan", "expense", "5"),
    AccountSpec("5-209", "Beban usaha lain-lain", "expense", "5"),
    AccountSpec("5-301", "Beban RAT", "expense", "5"),
    AccountSpec("5-302", "Beban pendidikan anggota", "expense", "5"),
    AccountSpec("5-401", "Beban penyisihan piutang", "expense", "5"),
    AccountSpec("5-501", "Beban bunga", "expense", "5"),
    AccountSpec("5-901", "Beban lain-lain", "expense", "5"),
    AccountSpec("5-902", "Beban pajak", "expense", "5"),
]


def unit_accounts(
    *, unit_code: str, unit_kind: str, unit_name: str, number: int
) -> list[AccountSpec]:
    """The per-gerai accounts of one business unit, suffixed with its two-digit number."""
    suffix = f"{number:02d}"
    specs = [
        AccountSpec(
            f"1-101-{suffix}", f"Kas {unit_name}", "asset", "1-101", is_cash=True, unit=unit_code
        )
    ]
    if unit_kind in STOCK_UNITS:
        specs.append(
            AccountSpec(
                f"1-107-{suffix}", f"Persediaan {unit_name}", "asset", "1-107", unit=unit_code
            )
        )
    if unit_kind in GOODS_UNITS:
        specs.append(
            AccountSpec(f"5-101-{suffix}", f"HPP {unit_name}", "expense", "5-101", unit=unit_code)
        )
    if unit_kind not in NO_SALES_UNITS:
        specs.append(
            AccountSpec(
                f"4-101-{suffix}",
                f"Partisipasi anggota {unit_name}",
                "income",
                "4-101",
                participation="member",
                unit=unit_code,
            )
        )
        specs.append(
            AccountSpec(
                f"4-201-{suffix}",
                f"Pendapatan non-anggota {unit_name}",
                "income",
                "4-201",
                participation="non_member",
                unit=unit_code,
            )
        )
    return specs


def default_posting_rules(
    units: list[tuple[str, str, int]],
) -> list[tuple[str, str, list[dict], str]]:
    """(event, key, lines, description) for a cooperative with `units` = [(code, kind, number)].

    Each line moves the named amount of the event from `credit` to `debit`.
    """
    rules: list[tuple[str, str, list[dict], str]] = [
        (
            "capital.csr_received",
            "",
            [{"amount": "amount", "debit": "1-102", "credit": "3-103"}],
            "Modal CSR diterima di rekening bank",
        ),
        (
            "cash.bank_deposit",
            "",
            [{"amount": "amount", "debit": "1-102", "credit": "1-101-01"}],
            "Kas kantor disetor ke bank",
        ),
        (
            "cash.bank_withdrawal",
            "",
            [{"amount": "amount", "debit": "1-101-01", "credit": "1-102"}],
            "Penarikan bank untuk kas kantor",
        ),
    ]
    rules += loan_posting_rules()
    rules += commerce_posting_rules(units)
    rules += funding_posting_rules(units)
    rules += bank_loan_posting_rules()
    rules += shu_posting_rules()
    for expense in ("5-201", "5-202", "5-203", "5-204", "5-209", "5-301", "5-302", "5-901"):
        rules.append(
            (
                "expense.cash",
                expense,
                [{"amount": "amount", "debit": expense, "credit": "1-101-01"}],
                f"Beban {expense} dibayar dari kas kantor",
            )
        )
    for code, kind, number in units:
        suffix = f"{number:02d}"
        if code != "kantor":
            rules.append(
                (
                    "cash.transfer_to_unit",
                    code,
                    [{"amount": "amount", "debit": f"1-101-{suffix}", "credit": "1-101-01"}],
                    "Kas kantor diserahkan ke gerai",
                )
            )
            rules.append(
                (
                    "cash.transfer_from_unit",
                    code,
                    [{"amount": "amount", "debit": "1-101-01", "credit": f"1-101-{suffix}"}],
                    "Setoran hasil gerai ke kantor",
                )
            )
        if kind in GOODS_UNITS:
            rules.append(
                (
                    "purchase.cash",
                    code,
                    [{"amount": "amount", "debit": f"1-107-{suffix}", "credit": f"1-101-{suffix}"}],
                    "Pembelian persediaan tunai oleh gerai",
                )
            )
        if kind not in NO_SALES_UNITS:
            for who, income in (("member", "4-101"), ("non_member", "4-201")):
                lines = [
                    {
                        "amount": "revenue",
                        "debit": f"1-101-{suffix}",
                        "credit": f"{income}-{suffix}",
                    }
                ]
                if kind in GOODS_UNITS:
                    lines.append(
                        {"amount": "cost", "debit": f"5-101-{suffix}", "credit": f"1-107-{suffix}"}
                    )
                rules.append(
                    (
                        "sale.cash",
                        f"{code}:{who}",
                        lines,
                        "Penjualan tunai gerai kepada "
                        + ("anggota" if who == "member" else "bukan anggota"),
                    )
                )
    return rules


def commerce_posting_rules(
    units: list[tuple[str, str, int]],
) -> list[tuple[str, str, list[dict], str]]:
    """The gerai's events (kopdes.commerce; docs/adr/0018-commerce-stock-and-posting.md), per unit.

    Goods received go into the unit's persediaan (1-107-xx) against its cash box, the bank or
    utang usaha; a transfer moves stock value between two stock units; an opname difference or an
    approved write-off is a gain (4-901) or a loss (5-206). A sale takes the revenue into the
    payment's account (the unit's cash, the QRIS clearing 1-109, or the member-credit clearing
    1-110) split into partisipasi anggota / non-anggota, and moves its cost (HPP) out of stock; a
    return reverses each line. A cash shift's difference is income or expense; the provider's QRIS
    settlement moves 1-109 into the bank.
    """
    out: list[tuple[str, str, list[dict], str]] = []
    stock = [(code, f"{number:02d}") for code, kind, number in units if kind in STOCK_UNITS]
    for code, sx in stock:
        for payment, credit, words in (
            ("cash", f"1-101-{sx}", "tunai dari kas gerai"),
            ("bank", "1-102", "melalui bank"),
            ("credit", "2-102", "secara kredit (utang usaha)"),
        ):
            out.append(
                (
                    "stock.received",
                    f"{code}:{payment}",
                    [{"amount": "amount", "debit": f"1-107-{sx}", "credit": credit}],
                    f"Penerimaan barang {words}",
                )
            )
        out.append(
            (
                "stock.adjusted",
                f"{code}:gain",
                [{"amount": "amount", "debit": f"1-107-{sx}", "credit": "4-901"}],
                "Selisih lebih persediaan",
            )
        )
        out.append(
            (
                "stock.adjusted",
                f"{code}:loss",
                [{"amount": "amount", "debit": "5-206", "credit": f"1-107-{sx}"}],
                "Selisih kurang atau kerusakan persediaan",
            )
        )
    for source, from_sx in stock:
        for target, to_sx in stock:
            if source != target:
                out.append(
                    (
                        "stock.transferred",
                        f"{source}:{target}",
                        [
                            {
                                "amount": "amount",
                                "debit": f"1-107-{to_sx}",
                                "credit": f"1-107-{from_sx}",
                            }
                        ],
                        "Pemindahan persediaan antar unit",
                    )
                )
    for code, kind, number in units:
        if kind not in GOODS_UNITS:
            continue
        sx = f"{number:02d}"
        for payment, account, paid in (
            ("cash", f"1-101-{sx}", "tunai"),
            ("qris", "1-109", "QRIS"),
            ("member_credit", "1-110", "simpanan sukarela"),
        ):
            for who, income, whom in (
                ("member", "4-101", "anggota"),
                ("non_member", "4-201", "bukan anggota"),
            ):
                sale = [
                    {"amount": "revenue", "debit": account, "credit": f"{income}-{sx}"},
                    {"amount": "cost", "debit": f"5-101-{sx}", "credit": f"1-107-{sx}"},
                ]
                out.append(
                    (
                        "sale.completed",
                        f"{code}:{payment}:{who}",
                        sale,
                        f"Penjualan gerai kepada {whom}, dibayar {paid}",
                    )
                )
                out.append(
                    (
                        "sale.returned",
                        f"{code}:{payment}:{who}",
                        [
                            {**line, "debit": line["credit"], "credit": line["debit"]}
                            for line in sale
                        ],
                        f"Retur penjualan gerai dari {whom}, dikembalikan {paid}",
                    )
                )
    for code, kind, number in units:
        if kind in NO_SALES_UNITS:
            continue
        sx = f"{number:02d}"
        out.append(
            (
                "shift.difference",
                f"{code}:over",
                [{"amount": "amount", "debit": f"1-101-{sx}", "credit": "4-901"}],
                "Selisih lebih kas shift kasir",
            )
        )
        out.append(
            (
                "shift.difference",
                f"{code}:short",
                [{"amount": "amount", "debit": "5-901", "credit": f"1-101-{sx}"}],
                "Selisih kurang kas shift kasir",
            )
        )
    out.append(
        (
            "qris.settled",
            "",
            [{"amount": "amount", "debit": "1-102", "credit": "1-109"}],
            "Dana QRIS diselesaikan ke rekening bank",
        )
    )
    return out


def funding_posting_rules(
    units: list[tuple[str, str, int]],
) -> list[tuple[str, str, list[dict], str]]:
    """The funding events (kopdes.funding; docs/adr/0025-fund-restricted-funds.md).

    "fund.received" by the source's kind: CSR and APBD hibah as equity (3-103) or income (4-902)
    as the policy says (`Policy.csr_capital_as_equity`), Dana Desa as participation capital
    (3-107), the bank loan as debt to the bank (2-201), another loan as other debt (2-202); into
    the bank (key `<kind>[:equity|:income]`) or the office cash (the same key + `:cash`).
    "fund.spent" by what the money bought: `asset` (1-301), `expense` (5-209) or
    `working_capital:<unit code>` (the gerai's cash box 1-101-xx), paid from the bank (`:bank`)
    or the office cash (`:cash`).
    """
    out: list[tuple[str, str, list[dict], str]] = []
    credits = [
        ("csr:equity", "3-103", "Dana hibah CSR diterima (ekuitas)"),
        ("csr:income", "4-902", "Dana hibah CSR diterima (pendapatan)"),
        ("apbd_hibah:equity", "3-103", "Dana hibah APBD diterima (ekuitas)"),
        ("apbd_hibah:income", "4-902", "Dana hibah APBD diterima (pendapatan)"),
        ("dana_desa", "3-107", "Modal penyertaan Dana Desa diterima"),
        ("bank_loan", "2-201", "Pencairan pinjaman bank Himbara"),
        ("other_loan", "2-202", "Pinjaman lain diterima"),
    ]
    for key, credit, words in credits:
        for suffix, debit, where in (
            ("", "1-102", "di rekening bank"),
            (":cash", "1-101-01", "tunai di kas kantor"),
        ):
            out.append(
                (
                    "fund.received",
                    key + suffix,
                    [{"amount": "amount", "debit": debit, "credit": credit}],
                    f"{words} {where}",
                )
            )
    payers = (("bank", "1-102", "dari rekening bank"), ("cash", "1-101-01", "dari kas kantor"))
    for kind, debit, words in (
        ("asset", "1-301", "Pembelian aset tetap dari dana"),
        ("expense", "5-209", "Beban usaha dibayar dari dana"),
    ):
        for channel, credit, paid in payers:
            out.append(
                (
                    "fund.spent",
                    f"{kind}:{channel}",
                    [{"amount": "amount", "debit": debit, "credit": credit}],
                    f"{words} {paid}",
                )
            )
    for code, kind, number in units:
        if kind == "kantor" or number == 1:  # the office's box 1-101-01 is where money comes from
            continue
        for channel, credit, paid in payers:
            out.append(
                (
                    "fund.spent",
                    f"working_capital:{code}:{channel}",
                    [{"amount": "amount", "debit": f"1-101-{number:02d}", "credit": credit}],
                    f"Modal kerja dari dana diserahkan ke kas gerai {paid}",
                )
            )
    return out


# The SHU's allocation lines (kopdes.shu.rules.LINE_ACCOUNTS): each is credited to its account
# against SHU belum dibagi (3-106).
SHU_LINE_ACCOUNTS = {
    "cadangan": "3-104",
    "anggota": "2-108",
    "pengurus": "2-103",
    "karyawan": "2-104",
    "pendidikan": "2-105",
    "sosial": "2-106",
    "pembangunan_daerah_kerja": "2-107",
    "pemerintah_desa": "2-109",
}


def shu_posting_rules() -> list[tuple[str, str, list[dict], str]]:
    """The SHU's events (kopdes.shu; docs/adr/0027-shu-computation.md). The allocation approved by
    the RAT moves SHU belum dibagi (3-106) to the reserve and the funds, the members' line to SHU
    anggota belum dibayar (2-108); a member's share is then paid in cash from the office (1-101-01)
    or credited to their simpanan sukarela (2-101, with the member's sub-ledger reference)."""
    return [
        (
            "shu.allocated",
            "",
            [
                {"amount": key, "debit": "3-106", "credit": account}
                for key, account in SHU_LINE_ACCOUNTS.items()
            ],
            "Pembagian SHU sesuai keputusan RAT",
        ),
        (
            "shu.paid",
            "cash",
            [{"amount": "amount", "debit": "2-108", "credit": "1-101-01"}],
            "SHU anggota dibayar tunai dari kas kantor",
        ),
        (
            "shu.paid",
            "sukarela",
            [{"amount": "amount", "debit": "2-108", "credit": "2-101"}],
            "SHU anggota dimasukkan ke simpanan sukarela",
        ),
    ]


def loan_posting_rules() -> list[tuple[str, str, list[dict], str]]:
    """The loans' events (kopdes.loans.services; docs/adr/0012-loans-cash-basis-and-states.md).

    Disbursement from the office cash or the bank: the principal leaves as a receivable (1-103, the
    loans' sub-ledger control account), the admin fee and provisi are deducted from the money
    handed out (income 4-301). A repayment splits into pokok (back off 1-103), jasa (income 4-102)
    and denda (income 4-302): interest and penalties are income when received (cash basis). The
    month-end provision moves the allowance (1-104) against its expense (5-401).
    """
    out: list[tuple[str, str, list[dict], str]] = []
    for channel, cash, words in (("cash", "1-101-01", "kas kantor"), ("bank", "1-102", "bank")):
        out.append(
            (
                "loan.disbursed",
                channel,
                [
                    {"amount": "principal", "debit": "1-103", "credit": cash},
                    {"amount": "fees", "debit": cash, "credit": "4-301"},
                ],
                f"Pencairan pinjaman anggota dari {words}",
            )
        )
        out.append(
            (
                "loan.repaid",
                channel,
                [
                    {"amount": "principal", "debit": cash, "credit": "1-103"},
                    {"amount": "interest", "debit": cash, "credit": "4-102"},
                    {"amount": "penalty", "debit": cash, "credit": "4-302"},
                ],
                f"Angsuran pinjaman anggota diterima di {words}",
            )
        )
    # An installment paid by QRIS from the member app (kopdes.loans.services.qris): the money
    # sits in 1-109 "Dana QRIS dalam penyelesaian" until the provider settles into the bank.
    out.append(
        (
            "loan.repaid",
            "qris",
            [
                {"amount": "principal", "debit": "1-109", "credit": "1-103"},
                {"amount": "interest", "debit": "1-109", "credit": "4-102"},
                {"amount": "penalty", "debit": "1-109", "credit": "4-302"},
            ],
            "Angsuran pinjaman anggota dibayar lewat QRIS",
        )
    )
    out.append(
        (
            "loan.provision",
            "increase",
            [{"amount": "amount", "debit": "5-401", "credit": "1-104"}],
            "Penambahan cadangan kerugian piutang pinjaman",
        )
    )
    out.append(
        (
            "loan.provision",
            "decrease",
            [{"amount": "amount", "debit": "1-104", "credit": "5-401"}],
            "Pengurangan cadangan kerugian piutang pinjaman",
        )
    )
    return out


def line_errors(lines: list[tuple[int, int]]) -> str | None:
    """Why (debit, credit) pairs cannot form an entry, or None."""
    if len(lines) < 2:
        return "too_few_lines"
    for debit, credit in lines:
        for value in (debit, credit):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                return "invalid_amount"
        if (debit > 0) == (credit > 0):
            return "one_side"
    return None


def bank_loan_posting_rules() -> list[tuple[str, str, list[dict], str]]:
    """The state-bank loan's installment (kopdes.funding; docs/adr/0026-bank-loan-schedule.md):
    the principal part pays down the debt to the bank (2-201), the interest is an expense
    (5-501), both from the bank account. (The drawing itself is "fund.received", key bank_loan.)"""
    return [
        (
            "bank_loan.installment_paid",
            "",
            [
                {"amount": "principal", "debit": "2-201", "credit": "1-102"},
                {"amount": "interest", "debit": "5-501", "credit": "1-102"},
            ],
            "Angsuran pinjaman bank Himbara (pokok dan bunga) dari rekening bank",
        )
    ]
