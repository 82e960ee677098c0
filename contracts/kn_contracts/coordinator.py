"""A network's coordinator role over time, and the months policy: one implementation that
membership (who holds the role) and finance (the fee) both call, so they cannot disagree.

Rules (DOMAIN Coordinator): a calendar month counts for whoever holds the role on the
month's last day (3); of a shared role both served it, and it is paid to whoever is the
payee on that day (5); a history is corrected by restating its spells from a date (7); the
fee for a payee is the yearly amount × months paid ÷ 12, rounded half up to øre (4).
Pure: standard library and the contracts' own events only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from kn_contracts.events.membership import CoordinatorEvent, CoordinatorSpellsRestated
from kn_contracts.money import share_half_up

MONTHS_A_YEAR = 12


@dataclass(frozen=True)
class Spell:
    """Who holds the role from `start` until the next spell: (person_id, name) each, and
    who is paid (None: nobody, e.g. vacant)."""

    start: dt.date
    holders: tuple[tuple[str, str], ...]
    payee: str | None
    change: str  # the event that began it, e.g. "CoordinatorChanged"

    def holds(self, person_id: str) -> bool:
        """Whether the person is one of the spell's holders."""
        return any(p == person_id for p, _ in self.holders)


@dataclass(frozen=True)
class Months:
    """Months served and months paid per person in one calendar year."""

    served: dict[str, int]
    paid: dict[str, int]


def last_day(year: int, month: int) -> dt.date:
    """The last day of a calendar month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class RoleHistory:
    """One network's coordinator spells, in date order, folded from its coordinator events."""

    spells: list[Spell] = field(default_factory=list)

    def copy(self) -> RoleHistory:
        """An independent history with the same spells (to fold a decision's events into)."""
        return RoleHistory(list(self.spells))

    def apply(self, event: CoordinatorEvent | CoordinatorSpellsRestated) -> None:
        """Fold one recorded act; a late one slots in by its date, a restatement replaces
        every spell from its date on."""
        if isinstance(event, CoordinatorSpellsRestated):
            kept = [s for s in self.spells if s.start < event.effective_date]
            restated = [
                Spell(
                    s.start,
                    tuple((h.person_id, h.name) for h in s.holders),
                    s.payee_person_id,
                    "CoordinatorSpellsRestated",
                )
                for s in event.spells
            ]
            self.spells = sorted(kept + restated, key=lambda s: s.start)
            return
        self.spells.append(
            Spell(
                start=event.effective_date,
                holders=tuple((h.person_id, h.name) for h in event.holders),
                payee=event.payee_person_id,
                change=type(event).__name__,
            )
        )
        self.spells.sort(key=lambda spell: spell.start)  # stable: same-day acts keep order

    def on(self, day: dt.date) -> Spell | None:
        """The spell in force on the day (None if the role was never filled before it)."""
        current = None
        for spell in self.spells:
            if spell.start > day:
                break
            current = spell
        return current

    def latest_act(self) -> dt.date | None:
        """The date of the latest recorded act (Coordinator 7 refuses acts dated before it)."""
        return max((s.start for s in self.spells), default=None)

    def months(self, year: int, as_of: dt.date | None = None) -> Months:
        """Months served and paid in `year` (Coordinator 3, 5); with `as_of`, only the
        months whose last day is on or before it: the part of the year up to that date."""
        served: dict[str, int] = {}
        paid: dict[str, int] = {}
        for month in range(1, MONTHS_A_YEAR + 1):
            day = last_day(year, month)
            if as_of is not None and day > as_of:
                break
            spell = self.on(day)
            if spell is None:
                continue
            for person_id, _ in spell.holders:
                served[person_id] = served.get(person_id, 0) + 1
            if spell.payee is not None:
                paid[spell.payee] = paid.get(spell.payee, 0) + 1
        return Months(served, paid)


def fee(yearly_ore: int, months_paid: int) -> int:
    """A payee's fee for the months paid (Coordinator 4: × months ÷ 12, half up, in øre)."""
    return share_half_up(yearly_ore, months_paid, MONTHS_A_YEAR)
