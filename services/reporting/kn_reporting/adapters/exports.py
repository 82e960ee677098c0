"""The national overview's table as CSV (Danish Excel: ';' and decimal comma, UTF-8 with
BOM) and as XLSX (openpyxl: numbers stay numbers, amounts formatted in kroner)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from kn_reporting.domain.table import Cell

KRONER = '#,##0.00 "kr"'


def _text(cell: Cell | object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:.2f}".replace(".", ",")
    if isinstance(cell, float):
        return f"{cell:g}".replace(".", ",")
    return str(cell)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """The table as CSV for Danish spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_text(c) for c in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """The table as one worksheet with a bold header row."""
    # openpyxl takes 0.1-0.2 s of CPU to import: imported for the first workbook, not at start
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = KRONER
    for column, header in zip(sheet.columns, headers, strict=True):
        width = max([len(header), *(len(_text(c.value)) for c in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 40)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
