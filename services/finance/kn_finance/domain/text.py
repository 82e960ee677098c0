"""How finance writes dates and amounts in reasons and documents (Danish conventions)."""

from __future__ import annotations

import datetime as dt

MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def day_text(day: dt.date) -> str:
    """A date as ISO, unambiguous in every language (e.g. 2025-06-10)."""
    return day.isoformat()


def danish_day(day: dt.date) -> str:
    """A date in Danish, e.g. '10. juni 2025'."""
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"
