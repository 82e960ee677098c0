"""The register: every fact membership knows, folded from its events, with dates kept.

Intervals are [start, end): a membership that ends on D was last in force the day before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import singledispatchmethod

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain.facts import Who


@dataclass(frozen=True)
class Holding:
    """A person holding a ydernummer at a clinic, from `start` until `end`."""

    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str
    role: ev.MembershipRole
    start: dt.date
    end: dt.date | None = None

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def who(self) -> Who:
        return Who(
            self.person_id, self.name, self.ydernummer, self.clinic_id, self.clinic_name, self.role
        )


@dataclass(frozen=True)
class Stint:
    """A membership of a network, from `start` until `end`."""

    network_id: str
    person_id: str
    ydernummer: str
    clinic_id: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Spell:
    """Who holds a network's coordinator role from `start` (until the next spell)."""

    start: dt.date
    holders: tuple[tuple[str, str], ...]  # (person_id, name)
    payee: str | None
    change: str


@dataclass(frozen=True)
class Network:
    network_id: str
    name: str
    cluster_id: str
    created: dt.date


@dataclass
class Register:
    """The fold of the register stream."""

    clusters: dict[str, tuple[str, bool]] = field(default_factory=dict)  # id -> (name, retired)
    networks: dict[str, Network] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    stints: list[Stint] = field(default_factory=list)
    spells: dict[str, list[Spell]] = field(default_factory=dict)

    @singledispatchmethod
    def apply(self, event: Event) -> None:
        raise TypeError(f"the register cannot apply {type(event).__name__}")

    @apply.register
    def _(self, event: ev.ClusterAdded) -> None:
        self.clusters[event.cluster_id] = (event.name, False)

    @apply.register
    def _(self, event: ev.ClusterRenamed) -> None:
        self.clusters[event.cluster_id] = (event.name, self.clusters[event.cluster_id][1])

    @apply.register
    def _(self, event: ev.ClusterRetired) -> None:
        self.clusters[event.cluster_id] = (self.clusters[event.cluster_id][0], True)

    @apply.register
    def _(self, event: ev.NetworkCreated) -> None:
        self.networks[event.network_id] = Network(
            event.network_id, event.name, event.cluster_id, event.effective_date
        )

    @apply.register
    def _(self, event: ev.MemberAwaitingAssignment) -> None:
        self._hold(event)

    @apply.register
    def _(self, event: ev.MemberJoined) -> None:
        self._hold(event)
        self.stints.append(
            Stint(
                network_id=event.network_id,
                person_id=event.person_id,
                ydernummer=event.ydernummer,
                clinic_id=event.clinic_id,
                start=event.effective_date,
                reason=event.reason,
            )
        )

    @apply.register
    def _(self, event: ev.MemberLeft) -> None:
        on = event.effective_date
        leaving = (event.network_id, event.person_id, event.ydernummer)
        self.stints = [
            replace(s, end=on)
            if (s.network_id, s.person_id, s.ydernummer) == leaving and s.active(on)
            else s
            for s in self.stints
        ]
        if event.reason in ("sale", "ydernummer_closed"):
            self._release(event.person_id, event.ydernummer, on)

    @apply.register
    def _(self, event: ev.AwaitingAssignmentEnded) -> None:
        self._release(event.person_id, event.ydernummer, event.effective_date)

    @apply.register
    def _(self, event: ev.ClinicSold) -> None:
        """The consequences are their own events (MemberLeft, MemberJoined)."""

    @apply.register
    def _(self, event: ev.CoordinatorEvent) -> None:
        spells = self.spells.setdefault(event.network_id, [])
        spells.append(
            Spell(
                start=event.effective_date,
                holders=tuple((h.person_id, h.name) for h in event.holders),
                payee=event.payee_person_id,
                change=type(event).__name__,
            )
        )
        spells.sort(key=lambda spell: spell.start)  # a late report slots in by its date

    def _hold(self, event: ev.MemberJoined | ev.MemberAwaitingAssignment) -> None:
        start = event.effective_date
        for holding in self.holdings:
            same = (holding.person_id, holding.ydernummer) == (event.person_id, event.ydernummer)
            if same and holding.active(start):
                return  # already holding it (joining from the waiting list, or a move)
        self.holdings.append(
            Holding(
                person_id=event.person_id,
                name=event.name,
                ydernummer=event.ydernummer,
                clinic_id=event.clinic_id,
                clinic_name=event.clinic_name,
                role=event.role,
                start=start,
            )
        )

    def _release(self, person_id: str, ydernummer: str, on: dt.date) -> None:
        self.holdings = [
            replace(h, end=on)
            if (h.person_id, h.ydernummer) == (person_id, ydernummer) and h.active(on)
            else h
            for h in self.holdings
        ]


def fold(events: list[Event]) -> Register:
    """The register after these events, in the order they were recorded."""
    register = Register()
    for event in events:
        register.apply(event)
    return register
