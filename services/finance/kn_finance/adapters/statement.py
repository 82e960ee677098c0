"""The fee statement ('opgørelse') a coordinator payee gets for the year, in Danish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kn_contracts.danish import date_text
from kn_contracts.money import kroner_text
from kn_rules.scheme import Scheme
from kn_servicekit.errors import ConfigurationError

FONT_PACKAGE = "fonts-dejavu-core"


def fee_statement(
    font: str,
    scheme: Scheme,
    network: str,
    figures: dict[str, Any],
    line: dict[str, Any],
    spells: list[tuple[dt.date, str]],
) -> bytes:
    """A one-page PDF: who, which year, months served and paid, the amount and how it is
    paid; `spells` are the year's changes of coordinator (from, who)."""
    if not Path(font).is_file():
        raise ConfigurationError(
            f"the fee statement's font {font} is missing: install Debian's "
            f"{FONT_PACKAGE} package (or set KN_FINANCE_STATEMENT_FONT)"
        )
    year, closed = figures["year"], figures["status"] == "closed"
    start, until = scheme.payable(year)
    # fpdf2 takes 0.2-0.4 s of CPU to import: a service imports it for its first PDF, not at start
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font("DejaVu", fname=font)
    pdf.set_title(f"Opgørelse af koordinatorhonorar {year}")
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.cell(0, 10, f"Opgørelse af koordinatorhonorar {year}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    state = (
        f"Endelig: året er lukket {date_text(dt.date.fromisoformat(figures['closed_on']))}"
        if closed
        else f"Foreløbig: opgjort pr. {date_text(dt.date.fromisoformat(figures['as_of']))}"
    )
    for text in (f"{scheme.name}", f"Kvalitetsnetværk: {network}", state):
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        ("Modtager", f"{line['name']} (person-id {line['person_id']})"),
        ("Måneder som koordinator", str(line["months_served"])),
        ("Måneder med honorar til dig", str(line["months_paid"])),
        ("Årligt honorar", kroner_text(figures["yearly_amount"])),
        (
            "Beregning",
            f"{kroner_text(figures['yearly_amount'])} × {line['months_paid']} / 12, "
            "afrundet til hele øre",
        ),
        ("Honorar", kroner_text(line["amount"])),
    ]
    for label, value in rows:
        pdf.set_font("DejaVu", size=10)
        pdf.cell(70, 8, label, border="B")
        pdf.cell(0, 8, value, border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if spells:
        pdf.cell(0, 6, f"Koordinatorer i {year}:", new_x="LMARGIN", new_y="NEXT")
        for day, who in spells:
            pdf.cell(0, 6, f"  fra {date_text(day)}: {who}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    for text in (
        "En måned tæller for den, der er koordinator på månedens sidste dag. Perioden regnes "
        "fra 1. januar.",
        f"Honoraret udbetales mellem {date_text(start)} og {date_text(until)} som A-indkomst "
        "til din NemKonto via dit cpr-nummer, som EKM har. Opgørelsen indeholder ikke dit "
        "cpr-nummer.",
        "Har I delt koordinatorrollen, udbetales beløbet til én af jer, og I afregner selv "
        "indbyrdes.",
    ):
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
