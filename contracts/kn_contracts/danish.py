"""How dates read in Danish in documents and reasons (beside money.kroner_text for amounts)."""

from __future__ import annotations

import datetime as dt

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")  # fmt: skip
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def date_text(day: dt.date) -> str:
    """A date in Danish, e.g. '10. juni 2025'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
