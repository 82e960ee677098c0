"""The attendance sheet a coordinator prints for a meeting (DOMAIN Meetings 3): place, time
and topics, the members on its date to sign, blank rows for people not on the list, and a
line for the coordinator. An embedded Unicode TrueType font prints every name; long names
and clinics wrap inside their cell; pages are numbered ("side 1 af 2"), and the last page
never holds a lonely blank row: at least KEEP_TOGETHER rows go with the coordinator line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kn_contracts.danish import MONTHS, WEEKDAYS
from kn_meetings.handlers.papers import Papers

if TYPE_CHECKING:
    from fpdf import FPDF

PACKAGE = "fonts-dejavu-core"
COLUMNS = (("Navn", 56.0), ("Klinik", 52.0), ("Ydernummer", 28.0), ("Underskrift", 44.0))
LINE = 5.0  # mm per line of text in a cell
PAD = 1.5  # mm above and below a cell's text
BLANK = 10.0  # mm of a blank row: room to write by hand
SIGN_OFF = 24.0  # mm of the coordinator's block
NOTE = 9.0  # mm of the note above the blank rows
KEEP_TOGETHER = 3  # rows the coordinator's block keeps with it on the last page

Row = tuple[str, str, str, str]


class SheetFontMissing(RuntimeError):
    """The font the sheet embeds is not installed."""


@dataclass(frozen=True)
class Font:
    """The regular and bold TrueType files the sheet embeds."""

    regular: Path
    bold: Path

    def check(self) -> None:
        for path in (self.regular, self.bold):
            if not path.is_file():
                raise SheetFontMissing(
                    f"the attendance sheet needs the font {path}, from Debian's package "
                    f"{PACKAGE}: run `kn infra prepare` (or apt-get install {PACKAGE}), or set "
                    "KN_MEETINGS_SHEET_FONT and KN_MEETINGS_SHEET_FONT_BOLD to Unicode TTF files"
                )


def _sheet(heading: str) -> FPDF:
    """An A4 FPDF repeating `heading` and the column titles atop every page after the
    first, with the page number in the footer."""
    # fpdf2 takes 0.2-0.4 s of CPU to import: a service imports it for its first PDF, not at start
    from fpdf import FPDF

    class Sheet(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font("sheet", "B", 10)
                self.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
                _column_titles(self)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("sheet", "", 8)
            self.cell(0, 5, f"side {self.page_no()} af {{nb}}", align="R")

    return Sheet(orientation="portrait", unit="mm", format="A4")


def attendance_sheet(papers: Papers, blank_rows: int, font: Font) -> bytes:
    """The sheet as a PDF: the members on the meeting date, then `blank_rows` empty rows."""
    font.check()
    m = papers.meeting
    when = (f"{WEEKDAYS[m.date.weekday()]} {m.date.day}. {MONTHS[m.date.month - 1]} "
            f"{m.date.year} kl. {m.starts:%H:%M}–{m.ends:%H:%M}")  # fmt: skip
    pdf = _sheet(f"Deltagerliste – {papers.network_name}, {when}")
    pdf.add_font("sheet", "", str(font.regular))
    pdf.add_font("sheet", "B", str(font.bold))
    pdf.set_title(f"Deltagerliste {papers.network_name} {m.date.isoformat()}")
    pdf.set_auto_page_break(auto=False, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _first_heading(pdf, papers, when)
    members: list[Row] = [(x.name, x.clinic_name, x.ydernummer, "") for x in papers.members]
    rows = members + [("", "", "", "")] * blank_rows
    heights = [_height(pdf, row) for row in members] + [BLANK] * blank_rows
    # what each row needs on its page: the first blank row brings the note above it
    needs = [h + (NOTE if i == len(members) else 0) for i, h in enumerate(heights)]
    bottom = pdf.h - 15
    for index, (row, height) in enumerate(zip(rows, heights, strict=True)):
        starts_blanks = index == len(members)
        if (
            pdf.get_y() + needs[index] > bottom
            or _keeps_with_sign_off(pdf, needs, index, bottom)
            or (starts_blanks and _orphaned(pdf, blank_rows, bottom))
        ):
            pdf.add_page()
        if starts_blanks:
            _note(pdf, "Ikke på listen? Skriv navn, klinik og ydernummer (hvis du har et).")
        _row(pdf, row, height)
    if pdf.get_y() + SIGN_OFF > bottom:
        pdf.add_page()
    _sign_off(pdf, papers)
    return bytes(pdf.output())


def _keeps_with_sign_off(pdf: FPDF, needs: list[float], index: int, bottom: float) -> bool:
    """Break before this row when the rows from here on and the coordinator's block do not
    fit this page and fewer than KEEP_TOGETHER rows would go with the block to the next."""
    if len(needs) - index != min(KEEP_TOGETHER, len(needs)):
        return False
    return pdf.get_y() + sum(needs[index:]) + SIGN_OFF > bottom


def _orphaned(pdf: FPDF, blanks: int, bottom: float) -> bool:
    """Whether the blank rows should start on the next page: fewer than KEEP_TOGETHER of
    them would stay on this one, the last KEEP_TOGETHER going with the coordinator's block."""
    room = bottom - pdf.get_y() - NOTE
    if blanks * BLANK + SIGN_OFF <= room:
        return False
    keep = min(KEEP_TOGETHER, blanks)
    here = min(int(room // BLANK), blanks - keep)
    return here < keep


def _first_heading(pdf: FPDF, papers: Papers, when: str) -> None:
    m = papers.meeting
    pdf.set_font("sheet", "B", 15)
    pdf.multi_cell(0, 8, f"Deltagerliste – Kvalitetsnetværk {papers.network_name}",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font("sheet", "", 10)
    for label, text in (("Tid", when), ("Sted", m.place),
                        ("Emner", ", ".join(m.topics) or "–")):  # fmt: skip
        pdf.set_font("sheet", "B", 10)
        pdf.cell(16, LINE + 1, f"{label}:")
        pdf.set_font("sheet", "", 10)
        pdf.multi_cell(0, LINE + 1, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("sheet", "", 9)
    pdf.multi_cell(0, LINE, f"{len(papers.members)} medlemmer på listen den "
                   f"{m.date:%d-%m-%Y}. Sæt din underskrift ud for dit navn.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    _column_titles(pdf)


def _column_titles(pdf: FPDF) -> None:
    pdf.set_font("sheet", "B", 9)
    pdf.set_fill_color(230, 230, 230)
    for title, width in COLUMNS:
        pdf.cell(width, 8, title, border=1, fill=True)
    pdf.ln()


def _height(pdf: FPDF, row: Row) -> float:
    """A row's height: its tallest cell, each wrapped inside its column."""
    pdf.set_font("sheet", "", 9)
    tallest = 1
    for text, (_, width) in zip(row, COLUMNS, strict=True):
        lines = pdf.multi_cell(width - 2, LINE, text, align="L", dry_run=True, output="LINES")
        assert isinstance(lines, list)
        tallest = max(tallest, len(lines))
    return tallest * LINE + 2 * PAD


def _row(pdf: FPDF, row: Row, height: float) -> None:
    pdf.set_font("sheet", "", 9)
    x, y = pdf.l_margin, pdf.get_y()
    for text, (_, width) in zip(row, COLUMNS, strict=True):
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 1, y + PAD)
        pdf.multi_cell(width - 2, LINE, text, align="L")
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font("sheet", "", 9)
    pdf.ln(2)
    pdf.cell(0, NOTE - 2, text, new_x="LMARGIN", new_y="NEXT")


def _sign_off(pdf: FPDF, papers: Papers) -> None:
    """The coordinator's line: who keeps the list, and where they sign and date it."""
    names = " og ".join(h.name for h in papers.on_the_day) or "_" * 40
    pdf.ln(6)
    pdf.set_font("sheet", "B", 10)
    pdf.cell(0, 6, f"Koordinator: {names}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sheet", "", 9)
    pdf.ln(4)
    pdf.cell(95, 6, "Underskrift: " + "_" * 40)
    pdf.cell(0, 6, "Dato: " + "_" * 20, new_x="LMARGIN", new_y="NEXT")
