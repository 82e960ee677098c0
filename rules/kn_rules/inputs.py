"""What finance knows of other services, from their events: a network, its meetings, their
attendance lists (the latest revision) and its coordinator history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kn_contracts.coordinator import RoleHistory
from kn_rules.rates import Rates

_PREFERENCE = {"held": 0, "planned": 1, "cancelled": 2}


@dataclass(frozen=True)
class MeetingFact:
    """A meeting of the network as meetings last published it."""

    meeting_id: str
    date: dt.date
    status: str  # planned, held or cancelled


@dataclass(frozen=True)
class ListFact:
    """The latest revision of a meeting's attendance list: (category, ydernummer) a line."""

    meeting_id: str
    revision: int
    lines: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class NetworkInputs:
    """Everything finance decides a network's invoices and fee on, besides its own events."""

    network_id: str | None
    name: str | None = None  # None: membership has not published the network
    meetings: tuple[MeetingFact, ...] = ()
    lists: dict[str, ListFact] = field(default_factory=dict)
    roles: RoleHistory = field(default_factory=RoleHistory)

    def meetings_on(self, day: dt.date) -> tuple[MeetingFact, ...]:
        """The network's meetings on a day: held ones before planned before cancelled."""
        found = [m for m in self.meetings if m.date == day]
        return tuple(sorted(found, key=lambda m: (_PREFERENCE.get(m.status, 3), m.meeting_id)))


def counted(lines: tuple[tuple[str, str | None], ...], rates: Rates) -> int:
    """Attendees who count by the year's table (Pool payouts 2, 6): each person of a counted
    category, or each distinct ydernummer among them."""
    lines_counted = [ydernummer for category, ydernummer in lines if category in rates.counted]
    if rates.basis == "person":
        return len(lines_counted)
    return len({y for y in lines_counted if y is not None})
