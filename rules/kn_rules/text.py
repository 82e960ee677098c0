"""How finance writes dates and amounts in reasons and documents (Danish conventions)."""

from __future__ import annotations

import datetime as dt


def day_text(day: dt.date) -> str:
    """A date as ISO, unambiguous in every language (e.g. 2025-06-10)."""
    return day.isoformat()
