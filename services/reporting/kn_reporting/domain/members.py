"""Who was a member of the network on a day, and who joined or left in a year.

Membership's joins and leaves are folded by their dates (Membership 9, 12): a membership
(person, ydernummer, clinic) holds on day D when its latest fact dated on or before D is a
join (ties: the later-recorded fact wins), so late and early reports need no special case.
A person is one member however many ydernumre they hold (Membership 10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events.membership import MemberJoined, MemberLeft

Key = tuple[str, str, str]  # person, ydernummer, clinic


@dataclass(frozen=True)
class Person:
    """Someone named in the status: the region's pseudonymous id and their name."""

    person_id: str
    name: str


@dataclass(frozen=True)
class Member:
    """A member of the network on a day."""

    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str


@dataclass(frozen=True)
class Change:
    """A join or a leave in the year, with its reason (and EKM's note for a manual act)."""

    date: dt.date
    person_id: str
    name: str
    ydernummer: str
    clinic_name: str
    reason: str
    note: str | None


class Roll:
    """A network's members over time, from its MemberJoined and MemberLeft facts."""

    def __init__(self, events: Iterable[Event]) -> None:
        self._facts: list[tuple[dt.date, int, MemberJoined | MemberLeft]] = []
        self._joined: dict[Key, MemberJoined] = {}
        self.names: dict[str, str] = {}
        self._on: dict[dt.date, dict[str, Member]] = {}  # a status asks for a day often
        for seq, event in enumerate(events):
            if isinstance(event, MemberJoined):
                self._joined[_key(event)] = event
                self.names[event.person_id] = event.name
            if isinstance(event, MemberJoined | MemberLeft):
                self._facts.append((event.effective_date, seq, event))
        self._facts.sort(key=lambda fact: (fact[0], fact[1]))

    def _holding(self, day: dt.date) -> list[Key]:
        """Every membership (person, ydernummer, clinic) that holds on `day`, sorted."""
        latest: dict[Key, MemberJoined | MemberLeft] = {}
        for date, _, event in self._facts:
            if date > day:
                break
            latest[_key(event)] = event
        return sorted(k for k, fact in latest.items() if isinstance(fact, MemberJoined))

    def clinics_on(self, day: dt.date) -> set[str]:
        """The clinics of every membership that holds on `day` (a person of two clinics
        counts at both): the clinics a figure of that day is drawn from."""
        return {clinic for _, _, clinic in self._holding(day)}

    def on(self, day: dt.date) -> dict[str, Member]:
        """The members on `day`, one per person (their first membership by ydernummer)."""
        known = self._on.get(day)
        if known is not None:
            return known
        members: dict[str, Member] = {}
        for key in self._holding(day):
            joined = self._joined[key]
            members.setdefault(
                joined.person_id,
                Member(
                    joined.person_id,
                    joined.name,
                    joined.ydernummer,
                    joined.clinic_id,
                    joined.clinic_name,
                ),
            )
        self._on[day] = members
        return members

    def person(self, person_id: str) -> Person:
        return Person(person_id, self.names.get(person_id, person_id))

    def changes(self, year: int) -> tuple[tuple[Change, ...], tuple[Change, ...]]:
        """The joins and the leaves dated in `year`, in date order."""
        joins: list[Change] = []
        leaves: list[Change] = []
        for date, _, event in self._facts:
            if date.year != year:
                continue
            joined = self._joined.get(_key(event))
            change = Change(
                date=date,
                person_id=event.person_id,
                name=self.names.get(event.person_id, event.person_id),
                ydernummer=event.ydernummer,
                clinic_name=joined.clinic_name if joined else event.clinic_id,
                reason=event.reason,
                note=event.note,
            )
            (joins if isinstance(event, MemberJoined) else leaves).append(change)
        return tuple(joins), tuple(leaves)

    def fewest_clinics(self, days: Iterable[dt.date]) -> int:
        """The fewest clinics any of `days`' figures is drawn from (DOMAIN "Annual status",
        anonymity): a clinic that was a member for a day, or joins later, makes no figure
        of another day anonymous."""
        return min((len(self.clinics_on(day)) for day in days), default=0)


def _key(event: MemberJoined | MemberLeft) -> Key:
    return (event.person_id, event.ydernummer, event.clinic_id)
