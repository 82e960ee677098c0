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
class Rejection:
    """A region change the register contradicted, waiting for EKM; `number` orders the list."""

    number: int
    change_key: str
    change_type: str
    change: str
    ydernummer: str | None
    rule: str | None
    reason: str
    effective_date: dt.date
    reported_on: dt.date


@dataclass(frozen=True)
class Network:
    network_id: str
    name: str
    cluster_id: str
    created: dt.date


@dataclass
class Register:
    """The fold of the register stream, indexed so no question scans the whole history."""

    clusters: dict[str, tuple[str, bool]] = field(default_factory=dict)  # id -> (name, retired)
    networks: dict[str, Network] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    stints: list[Stint] = field(default_factory=list)
    spells: dict[str, list[Spell]] = field(default_factory=dict)
    unresolved: dict[int, Rejection] = field(default_factory=dict)  # by number, in order
    rejections: int = 0  # how many were ever recorded: the next one's number less one
    # positions in `holdings` and `stints` by what questions ask about (DOMAIN Membership 8)
    _held: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    _by_ydernummer: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _by_person: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _served: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    _in_network: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _at_clinic: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _of_person: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def holdings_of(self, person_id: str, ydernummer: str) -> list[Holding]:
        """The person's holdings of the ydernummer, in the order recorded."""
        return [self.holdings[i] for i in self._held.get((person_id, ydernummer), ())]

    def holdings_of_ydernummer(self, ydernummer: str) -> list[Holding]:
        """Every holding of the ydernummer, by anyone."""
        return [self.holdings[i] for i in self._by_ydernummer.get(ydernummer, ())]

    def holdings_of_person(self, person_id: str) -> list[Holding]:
        """Every holding of the person, of any ydernummer."""
        return [self.holdings[i] for i in self._by_person.get(person_id, ())]

    def stints_of(self, person_id: str, ydernummer: str) -> list[Stint]:
        """The person's memberships through the ydernummer."""
        return [self.stints[i] for i in self._served.get((person_id, ydernummer), ())]

    def stints_in(self, network_id: str) -> list[Stint]:
        """Every membership of the network, past, present and future."""
        return [self.stints[i] for i in self._in_network.get(network_id, ())]

    def stints_at_clinic(self, clinic_id: str) -> list[Stint]:
        """Every membership through a holding at the clinic."""
        return [self.stints[i] for i in self._at_clinic.get(clinic_id, ())]

    def stints_of_person(self, person_id: str) -> list[Stint]:
        """Every membership of the person, in any network."""
        return [self.stints[i] for i in self._of_person.get(person_id, ())]

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
        position = len(self.stints)
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
        self._served.setdefault((event.person_id, event.ydernummer), []).append(position)
        self._in_network.setdefault(event.network_id, []).append(position)
        self._at_clinic.setdefault(event.clinic_id, []).append(position)
        self._of_person.setdefault(event.person_id, []).append(position)

    @apply.register
    def _(self, event: ev.MemberLeft) -> None:
        on = event.effective_date
        for i in self._served.get((event.person_id, event.ydernummer), ()):
            stint = self.stints[i]
            if stint.network_id == event.network_id and stint.active(on):
                self.stints[i] = replace(stint, end=on)
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

    @apply.register
    def _(self, event: ev.RegionChangeRejected) -> None:
        self.rejections += 1
        self.unresolved[self.rejections] = Rejection(
            number=self.rejections,
            change_key=event.change_key,
            change_type=event.change_type,
            change=event.change,
            ydernummer=event.ydernummer,
            rule=event.rule,
            reason=event.reason,
            effective_date=event.effective_date,
            reported_on=event.reported_on,
        )

    @apply.register
    def _(self, event: ev.RegionChangeSettled) -> None:
        for number, rejection in list(self.unresolved.items()):
            if rejection.change_key == event.change_key:
                del self.unresolved[number]

    def _hold(self, event: ev.MemberJoined | ev.MemberAwaitingAssignment) -> None:
        start = event.effective_date
        pair = (event.person_id, event.ydernummer)
        if any(self.holdings[i].active(start) for i in self._held.get(pair, ())):
            return  # already holding it (joining from the waiting list, or a move)
        position = len(self.holdings)
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
        self._held.setdefault(pair, []).append(position)
        self._by_ydernummer.setdefault(event.ydernummer, []).append(position)
        self._by_person.setdefault(event.person_id, []).append(position)

    def _release(self, person_id: str, ydernummer: str, on: dt.date) -> None:
        for i in self._held.get((person_id, ydernummer), ()):
            if self.holdings[i].active(on):
                self.holdings[i] = replace(self.holdings[i], end=on)


def fold(events: list[Event]) -> Register:
    """The register after these events, in the order they were recorded."""
    register = Register()
    for event in events:
        register.apply(event)
    return register
