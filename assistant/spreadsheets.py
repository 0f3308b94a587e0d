"""Spreadsheet cells that stay data: the one helper every CSV/XLSX export writes through.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets (CSV/formula injection: a cadre imported as `=HYPERLINK(…)` would become a live
link in HR's report). Such text is written as text: in CSV behind a leading apostrophe (the convention
spreadsheet programs read as "text follows"); in XLSX as a string cell with the quote-prefix style, so the
value is shown exactly as imported and never evaluated. Numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet will not evaluate."""
    return "'" + value if is_formula_like(value) else value


def to_csv(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """Rows as CSV bytes, UTF-8 (with a BOM by default, so Excel shows Vietnamese), every cell made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def append_row(ws: Any, row: Sequence[Any]) -> None:
    """`ws.append(row)` for an openpyxl worksheet, with formula-like text stored as plain text."""
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if is_formula_like(cell.value):
            set_text(cell, cell.value)


def set_text(cell: Any, value: str) -> None:
    """Store `value` in an openpyxl cell as a string, never a formula."""
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
