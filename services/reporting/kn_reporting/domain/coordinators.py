"""Who held the coordinator role in the year, from when, and the months served and paid.

Folded with the one shared implementation, kn_contracts.coordinator.RoleHistory, so the
status states the same months as membership and finance (DOMAIN Coordinator 1, 3, 5, 7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.coordinator import MONTHS_A_YEAR, RoleHistory, last_day
from kn_contracts.events.membership import (
    CoordinatorEvent,
    CoordinatorSpellsRestated,
    CoordinatorSteppedDown,
)
from kn_reporting.domain.members import Person


@dataclass(frozen=True)
class Spell:
    """One stretch of the role: holders and payee from `start` until the day before `until`."""

    start: dt.date
    until: dt.date | None
    holders: tuple[Person, ...]
    payee: Person | None
    change: str  # the event that began it, e.g. CoordinatorChanged
    note: str | None = None  # why: a step-down's reason, a restatement's


@dataclass(frozen=True)
class ServedMonths:
    """A person's months in the year (Coordinator 3: held on the month's last day)."""

    person_id: str
    name: str
    served: int
    paid: int


@dataclass(frozen=True)
class CoordinatorSection:
    """The spells that touch the year, months per person and the months nobody held it,
    counted up to `counted_until` (the year's end, or today while it runs)."""

    spells: tuple[Spell, ...]
    months: tuple[ServedMonths, ...]
    months_without: tuple[int, ...]
    counted_until: dt.date | None


def role_history(events: Iterable[Event]) -> tuple[RoleHistory, dict[tuple[dt.date, str], str]]:
    """The network's role history, and the notes of acts by (date, event name)."""
    history = RoleHistory()
    notes: dict[tuple[dt.date, str], str] = {}
    for event in events:
        if isinstance(event, CoordinatorSpellsRestated):
            history.apply(event)
            for spell in event.spells:  # each restated spell carries the restatement's reason
                notes[(spell.start, type(event).__name__)] = event.reason
        elif isinstance(event, CoordinatorEvent):
            history.apply(event)
            if isinstance(event, CoordinatorSteppedDown) and event.reason:
                notes[(event.effective_date, type(event).__name__)] = event.reason
    return history, notes


def counted_until(year: int, today: dt.date) -> dt.date | None:
    """Up to which day a year's months count: all of a past year, so far of this one."""
    if today >= dt.date(year, 12, 31):
        return None
    return today


def coordinator_section(
    history: RoleHistory, notes: dict[tuple[dt.date, str], str], year: int, today: dt.date
) -> CoordinatorSection:
    """Spells touching `year`, with the months of each person who held it."""
    first, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    names = {p: n for spell in history.spells for p, n in spell.holders}
    spells: list[Spell] = []
    for i, spell in enumerate(history.spells):
        until = history.spells[i + 1].start if i + 1 < len(history.spells) else None
        if spell.start > end or (until is not None and until <= first):
            continue
        payee = None if spell.payee is None else Person(spell.payee, names.get(spell.payee, ""))
        holders = tuple(Person(p, n) for p, n in spell.holders)
        note = notes.get((spell.start, spell.change))
        spells.append(Spell(spell.start, until, holders, payee, spell.change, note))
    as_of = counted_until(year, today)
    months = history.months(year, as_of)
    served = tuple(
        ServedMonths(p, names.get(p, p), months.served.get(p, 0), months.paid.get(p, 0))
        for p in sorted(set(months.served) | set(months.paid), key=lambda p: names.get(p, p))
    )
    without = tuple(
        m
        for m in range(1, MONTHS_A_YEAR + 1)
        if (as_of is None or last_day(year, m) <= as_of) and not _held(history, year, m)
    )
    return CoordinatorSection(tuple(spells), served, without, as_of)


def _held(history: RoleHistory, year: int, month: int) -> bool:
    spell = history.on(last_day(year, month))
    return spell is not None and bool(spell.holders)
