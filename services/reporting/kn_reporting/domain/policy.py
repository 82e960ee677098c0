"""The scheme's numbers the reports apply, handed in as data (DOMAIN "Other schemes")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """Meetings a year (Meetings 1, 6), when the annual status is due and the anonymity
    threshold (DOMAIN "Annual status"), and which rate scheme prices the fee (Pool payouts 5)."""

    min_meetings: int = 2
    max_meetings: int = 4
    due_month: int = 1
    due_day: int = 31
    min_clinics: int = 5
    quartile_min_networks: int = 5
    rate_scheme: str | None = None

    def due(self, year: int) -> dt.date:
        """The day the annual status of `year` is due (in the next year)."""
        return dt.date(year + 1, self.due_month, self.due_day)
