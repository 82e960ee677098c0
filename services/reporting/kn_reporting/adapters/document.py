"""A Danish A4 document on fpdf2 with a Unicode font: headings, paragraphs, tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
FONT_PACKAGE = "fonts-dejavu-core"


class FontMissing(Exception):
    """The PDF's Unicode font is not installed; the message names the package."""


def _pages() -> FPDF:
    """An A4 FPDF with the page number in the footer of every page."""
    # fpdf2 takes 0.2-0.4 s of CPU to import: a service imports it for its first PDF, not at start
    from fpdf import FPDF

    class Pages(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.cell(0, 5, f"Side {self.page_no()} af {{nb}}", align="R")

    return Pages(orientation="portrait", unit="mm", format="A4")


class Document:
    """Writes a report top to bottom; `output()` gives the PDF's bytes."""

    def __init__(self, title: str, font: Path) -> None:
        if not font.is_file():
            raise FontMissing(
                f"the PDF needs a Unicode font for æ, ø and å, and {font} is missing: install "
                f"Debian's {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or point "
                "KN_REPORTING_PDF_FONT at a DejaVuSans.ttf"
            )
        bold = font.with_name(font.stem + "-Bold" + font.suffix)
        self.pdf = pdf = _pages()
        pdf.add_font(FONT, "", str(font))
        pdf.add_font(FONT, "B", str(bold if bold.is_file() else font))
        pdf.set_title(title)
        pdf.set_creator("Kvalitetsnet")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.alias_nb_pages()
        pdf.add_page()

    def title(self, text: str) -> None:
        self.pdf.set_font(FONT, "B", 18)
        self.pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm fit on this one (no heading left alone)."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def heading(self, text: str) -> None:
        self.keep(30)
        self.pdf.ln(3)
        self.pdf.set_font(FONT, "B", 12)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_draw_color(160, 160, 160)
        y = self.pdf.get_y()
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.pdf.ln(1.5)

    def subheading(self, text: str) -> None:
        self.keep(20)
        self.pdf.ln(1)
        self.pdf.set_font(FONT, "B", 10)
        self.pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def text(self, text: str, size: float = 10) -> None:
        self.pdf.set_font(FONT, "", size)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def bullets(self, items: Sequence[str]) -> None:
        self.pdf.set_font(FONT, "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, f"•  {item}", align="L", new_x="LMARGIN", new_y="NEXT")

    def table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        right: Sequence[int] = (),
    ) -> None:
        """A table with a heading row; columns in `right` are aligned right (amounts)."""
        self.pdf.set_font(FONT, "", 8.5)
        self.pdf.set_draw_color(190, 190, 190)
        aligns = tuple("RIGHT" if i in right else "LEFT" for i in range(len(headings)))
        with self.pdf.table(
            col_widths=tuple(widths),
            text_align=aligns,
            line_height=4.6,
            padding=1,
            width=sum(widths),
            align="LEFT",
        ) as table:
            for row in (headings, *rows):
                line = table.row()
                for cell in row:
                    line.cell(cell)
        self.pdf.ln(1)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
