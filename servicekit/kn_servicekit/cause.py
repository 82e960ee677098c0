"""Who and what caused a decision, stamped on every event it makes.

It imports only the standard library, so a pure domain package may take a Cause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class Stamp(TypedDict):
    """The fields every event carries."""

    effective_date: dt.date
    actor: str
    causation_id: str
    correlation_id: str


@dataclass(frozen=True)
class Cause:
    """The actor, the ids tying events to the command or message behind them, and what day
    it is in Copenhagen (passed in: a domain has no clock)."""

    actor: str
    causation_id: str
    correlation_id: str
    today: dt.date

    def stamp(self, effective_date: dt.date) -> Stamp:
        """The fields every event carries, for an event taking effect on `effective_date`."""
        return {
            "effective_date": effective_date,
            "actor": self.actor,
            "causation_id": self.causation_id,
            "correlation_id": self.correlation_id,
        }


def copenhagen_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Copenhagen at `moment` (an aware datetime)."""
    return moment.astimezone(COPENHAGEN).date()
