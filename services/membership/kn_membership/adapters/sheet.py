"""The attendance sheet a coordinator prints for a meeting: members, then empty rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fpdf import FPDF

from kn_membership.domain.views import Member

COLUMNS = (("Navn", 62), ("Klinik", 58), ("Ydernummer", 26), ("Underskrift", 44))


def attendance_sheet(
    network_name: str, meeting_date: dt.date, members: Sequence[Member], blank_rows: int
) -> bytes:
    """A PDF listing the members on the meeting date, with blank rows for people not on it
    (who write name, clinic and ydernummer by hand)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"Deltagerliste {network_name} {meeting_date.isoformat()}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 8, f"Deltagerliste - {network_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, f"Møde den {meeting_date.strftime('%d-%m-%Y')}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"{len(members)} medlemmer på listen", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _header(pdf)
    pdf.set_font("Helvetica", size=9)
    for member in members:
        _row(pdf, (member.name, member.clinic_name, member.ydernummer, ""))
    pdf.set_font("Helvetica", style="I", size=9)
    pdf.cell(
        0,
        7,
        "Ikke på listen: skriv navn, klinik og ydernummer (hvis du har et)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for _ in range(blank_rows):
        _row(pdf, ("", "", "", ""))
    return bytes(pdf.output())


def _header(pdf: FPDF) -> None:
    pdf.set_font("Helvetica", style="B", size=10)
    for title, width in COLUMNS:
        pdf.cell(width, 8, title, border=1)
    pdf.ln()


def _row(pdf: FPDF, values: tuple[str, str, str, str]) -> None:
    for value, (_, width) in zip(values, COLUMNS, strict=True):
        pdf.cell(width, 8, value[:40], border=1)
    pdf.ln()
