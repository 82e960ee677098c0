"""Who and what caused a decision: stamped on every event it produces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cause:
    """The actor and the ids tying events to the command or message that caused them."""

    actor: str
    causation_id: str
    correlation_id: str

    def on(self, effective_date: dt.date) -> dict[str, Any]:
        """The event base fields for a fact taking effect on `effective_date`."""
        return {
            "effective_date": effective_date,
            "actor": self.actor,
            "causation_id": self.causation_id,
            "correlation_id": self.correlation_id,
        }
