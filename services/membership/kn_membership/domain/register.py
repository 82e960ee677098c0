"""The register: every fact membership knows, folded from its events, with dates kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import singledispatchmethod

from kn_contracts.base import Event
from kn_contracts.coordinator import RoleHistory
from kn_contracts.events import membership as ev
from kn_membership.domain import timeline
from kn_membership.domain.indexes import Indexed
from kn_membership.domain.model import (
    HOLDING_ENDS,
    Holding,
    Network,
    Rejection,
    Request,
    RequestStatus,
)


@dataclass
class Register(Indexed):
    """The fold of the register stream, indexed so no question scans the whole history."""

    clusters: dict[str, tuple[str, bool]] = field(default_factory=dict)  # id -> (name, retired)
    networks: dict[str, Network] = field(default_factory=dict)
    roles: dict[str, RoleHistory] = field(default_factory=dict)  # confirmed acts, by network
    requests: dict[str, dict[int, Request]] = field(default_factory=dict)  # by network, number
    unresolved: dict[int, Rejection] = field(default_factory=dict)  # by number, in order
    rejections: int = 0  # how many were ever recorded: the next one's number less one
    erased: dict[str, dt.date] = field(default_factory=dict)  # person -> the day EKM erased

    def role(self, network_id: str) -> RoleHistory:
        """The network's confirmed coordinator history (empty if never filled)."""
        return self.roles.get(network_id) or RoleHistory()

    @singledispatchmethod
    def apply(self, event: Event) -> None:
        raise TypeError(f"the register cannot apply {type(event).__name__}")

    @apply.register
    def _(self, event: ev.PersonErased) -> None:
        # the key is gone: the person's names already read "[slettet]" (issue 15)
        self.erased[event.subject_id] = event.effective_date

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
        self._hold(event, event.note)

    @apply.register
    def _(self, event: ev.MemberJoined) -> None:
        self._hold(event)
        positions = self._served.get((event.person_id, event.ydernummer), [])
        later = timeline.runs_into([self.stints[i] for i in positions], event)
        if later is not None:  # a late move into where a later one leads (Membership 12)
            i = positions[later]
            self.stints[i] = replace(self.stints[i], start=event.effective_date)
            return
        position = len(self.stints)
        self.stints.append(timeline.began(event))
        self._served.setdefault((event.person_id, event.ydernummer), []).append(position)
        self._in_network.setdefault(event.network_id, []).append(position)
        self._at_clinic.setdefault(event.clinic_id, []).append(position)
        self._of_person.setdefault(event.person_id, []).append(position)

    @apply.register
    def _(self, event: ev.MemberLeft) -> None:
        positions = self._served.get((event.person_id, event.ydernummer), [])
        ended = timeline.ended_by([self.stints[i] for i in positions], event)
        if ended is not None:
            i = positions[ended]
            self.stints[i] = timeline.cut(self.stints[i], event)
        if event.reason in HOLDING_ENDS:
            self._release(event.person_id, event.ydernummer, event.effective_date, event.reason)

    @apply.register
    def _(self, event: ev.AwaitingAssignmentEnded) -> None:
        self._release(event.person_id, event.ydernummer, event.effective_date, event.reason)

    @apply.register
    def _(self, event: ev.ClinicSold) -> None:
        """The consequences are their own events (MemberLeft, MemberJoined)."""

    @apply.register
    def _(self, event: ev.CoordinatorEvent) -> None:
        self.roles.setdefault(event.network_id, RoleHistory()).apply(event)
        if event.request is not None:
            self._settle(event.network_id, event.request, "confirmed", None)

    @apply.register
    def _(self, event: ev.CoordinatorSpellsRestated) -> None:
        self.roles.setdefault(event.network_id, RoleHistory()).apply(event)

    @apply.register
    def _(self, event: ev.CoordinatorActRequested) -> None:
        self.requests.setdefault(event.network_id, {})[event.request] = Request(
            network_id=event.network_id,
            number=event.request,
            act=event.act,
            person_ids=event.person_ids,
            payee_person_id=event.payee_person_id,
            effective_date=event.effective_date,
            requested_by=event.actor,
        )

    @apply.register
    def _(self, event: ev.CoordinatorActRejected) -> None:
        self._settle(event.network_id, event.request, "rejected", event.reason)

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

    def _hold(
        self, event: ev.MemberJoined | ev.MemberAwaitingAssignment, note: str | None = None
    ) -> None:
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
                note=note,
            )
        )
        self._held.setdefault(pair, []).append(position)
        self._by_ydernummer.setdefault(event.ydernummer, []).append(position)
        self._by_person.setdefault(event.person_id, []).append(position)
        self._held_at_clinic.setdefault(event.clinic_id, []).append(position)

    def _release(
        self, person_id: str, ydernummer: str, on: dt.date, reason: ev.LeaveReason
    ) -> None:
        for i in self._held.get((person_id, ydernummer), ()):
            if self.holdings[i].active(on):
                self.holdings[i] = replace(self.holdings[i], end=on, end_reason=reason)

    def _settle(
        self, network_id: str, number: int, status: RequestStatus, reason: str | None
    ) -> None:
        found = self.requests.get(network_id, {}).get(number)
        if found is not None:
            self.requests[network_id][number] = replace(found, status=status, reason=reason)


def fold(events: list[Event]) -> Register:
    """The register after these events, in the order they were recorded."""
    register = Register()
    for event in events:
        register.apply(event)
    return register
