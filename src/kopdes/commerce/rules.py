"""Pure gerai rules (no ORM, tested without a database): EAN-13 check digits, document numbers,
the four-eyes rule of opname and write-offs, which count of a sheet line stands."""

SKU_MAX = 40
NAME_MAX = 150
PRODUCT_UNITS = ("pcs", "kg", "liter", "tabung", "sak", "strip", "botol")


def ean13_check_digit(first12: str) -> int:
    """The GS1 check digit of the first 12 digits: weights 1, 3, 1, 3, ... from the left."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def ean13_valid(code: str) -> bool:
    """13 ASCII digits whose last is the check digit of the other twelve."""
    return (
        isinstance(code, str)
        and len(code) == 13
        and code.isascii()
        and code.isdigit()
        and ean13_check_digit(code[:12]) == int(code[12])
    )


def document_number(prefix: str, year: int, value: int, width: int = 4) -> str:
    """ "PO-2026-0001": the prefix, the year and the cooperative's yearly counter."""
    return f"{prefix}-{year}-{value:0{width}d}"


def needs_second_count(expected: int, first_count: int | None) -> bool:
    """A sheet line whose first count differs from the expected quantity is counted again."""
    return first_count is not None and first_count != expected


def final_count(first_count: int | None, second_count: int | None) -> int | None:
    """The count that stands: the second when there is one."""
    return second_count if second_count is not None else first_count
