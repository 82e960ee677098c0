"""EKM's payouts of a period as CSV and XLSX: Danish headers, kroner with two decimals, one
row per payout or adjustment, with the ids linking it to invoice, meeting, list and rates."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from kn_contracts.money import kroner_decimal
from kn_finance.adapters.payouts_view import PayoutRow

KINDS = {"pool": "Puljeudbetaling", "fee": "Koordinatorhonorar", "adjustment": "Regulering"}
HEADERS = (
    "Udbetalings-id",
    "Type",
    "Dato",
    "Netværk",
    "Faktura-id",
    "Person-id",
    "År",
    "Møde-id",
    "Mødedato",
    "Deltagerliste-revision",
    "Ordning",
    "Taksttabel-år",
    "Taksttabel-revision",
    "Indekseret på",
    "Beløb (kr)",
    "I alt efter (kr)",
    "Måneder",
    "Betalingsmodtager",
    "Årsag",
    "Udbetalt for",
)
KRONER = (14, 15)  # the columns holding amounts


def _cells(row: PayoutRow) -> list[object]:
    return [
        row.payout_id,
        KINDS[row.kind],
        row.effective_date,
        row.network_id,
        row.invoice_id,
        row.person_id,
        row.year,
        row.meeting_id,
        row.meeting_date,
        row.list_revision,
        row.rate_scheme,
        row.rate_year,
        row.rate_revision,
        row.rate_indexed_on,
        kroner_decimal(row.amount),
        kroner_decimal(row.total),
        row.months,
        row.payee,
        row.cause,
        row.thing,
    ]


def payouts_csv(rows: Sequence[PayoutRow]) -> bytes:
    """Semicolon-separated with a decimal comma, UTF-8 with a BOM: as Danish Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        cells = _cells(row)
        writer.writerow(
            [
                str(c).replace(".", ",") if n in KRONER else ("" if c is None else str(c))
                for n, c in enumerate(cells)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def payouts_xlsx(rows: Sequence[PayoutRow]) -> bytes:
    """One sheet, amounts as numbers shown in kroner with two decimals."""
    # openpyxl takes 0.1-0.2 s of CPU to import: imported for the first workbook, not at start
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Udbetalinger"
    sheet.append(HEADERS)
    for row in rows:
        cells = _cells(row)
        sheet.append([float(c) if n in KRONER else c for n, c in enumerate(cells)])  # type: ignore[arg-type]
    for column in ("O", "P"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
