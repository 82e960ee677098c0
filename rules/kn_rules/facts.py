"""What the money rules take from other services' events: a network's name, its meetings
(date and status), the latest revision of each attendance list, its confirmed coordinator
acts. One mapping, used by finance's tables (adapters.inputs writes what it says) and by the
audit's fold in memory (`InputsBook`), so both see the same inputs in the same facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, cast

from kn_contracts.base import Event
from kn_contracts.coordinator import RoleHistory
from kn_contracts.events import meetings as mt
from kn_contracts.events import membership as ms
from kn_rules.inputs import ListFact, MeetingFact, NetworkInputs

# the confirmed coordinator acts (Coordinator 9): requests and other new types are not acts
COORDINATOR_ACTS = (
    ms.CoordinatorElected,
    ms.CoordinatorRoleShared,
    ms.CoordinatorChanged,
    ms.CoordinatorSteppedDown,
    ms.CoordinatorSpellsRestated,
)


class _Listed(Protocol):
    """A meetings event that carries a whole attendance list."""

    meeting_id: str
    attendees: tuple[mt.Attendee, ...]


class MeetingChange(NamedTuple):
    """One meetings fact as a change of a meeting: the date and status it has if it is new,
    what it changes if known (None: unchanged), and the list revision it carries. (A tuple:
    one is made for each meetings event the audit reads.)"""

    network_id: str
    meeting_id: str
    date: dt.date
    status: str
    new_date: dt.date | None
    new_status: str | None
    listed: ListFact | None = None


def meeting_change(event: mt.MeetingsEvent) -> MeetingChange | None:
    """The change a meetings fact makes, or None if money does not need it."""
    held = event.__dict__  # its fields: getattr with a default costs 1.9 µs for a missing
    # one, which pydantic's __getattr__ looks for among private attributes and raises
    network, meeting = held.get("network_id"), held.get("meeting_id")
    if network is None or meeting is None:
        return None
    if isinstance(event, mt.MeetingScheduled | mt.MeetingRescheduled):
        return MeetingChange(
            network, meeting, event.meeting_date, "planned", event.meeting_date, None
        )
    if isinstance(event, mt.MeetingCancelled):
        return MeetingChange(network, meeting, event.meeting_date, "cancelled", None, "cancelled")
    if isinstance(event, mt.MeetingHeld):
        return MeetingChange(network, meeting, event.effective_date, "held", None, "held")
    if isinstance(held.get("attendees"), tuple):
        # every list revision, whatever its event type (recorded, corrected, or one meetings
        # adds later for Meetings 10): the latest revision of a meeting counts
        listed = cast(_Listed, event)
        revision = held.get("revision") or 1
        lines = tuple([(a.category, a.ydernummer) for a in listed.attendees])
        date = held.get("meeting_date", event.effective_date)
        return MeetingChange(
            network, meeting, date, "held", None, "held", ListFact(meeting, revision, lines)
        )
    return None


@dataclass
class _Network:
    name: str | None = None
    meetings: dict[str, MeetingFact] = field(default_factory=dict)
    lists: dict[str, ListFact] = field(default_factory=dict)
    roles: RoleHistory = field(default_factory=RoleHistory)


@dataclass
class InputsBook:
    """Every network's inputs folded in memory from the facts, as finance's tables hold them."""

    networks: dict[str, _Network] = field(default_factory=dict)

    def apply(self, event: Event) -> bool:
        """Fold one fact; True if it is one money needs."""
        if isinstance(event, mt.MeetingsEvent):
            change = meeting_change(event)
            if change is None:
                return False
            self.meeting(change)
            return True
        if isinstance(event, ms.NetworkCreated):
            self.named(event.network_id, event.name)
            return True
        if isinstance(event, COORDINATOR_ACTS):
            self._network(event.network_id).roles.apply(event)
            return True
        return False

    def inputs(self, network_id: str | None) -> NetworkInputs:
        """What the rules decide a network's invoices and fee on (nothing, for none)."""
        known = self.networks.get(network_id) if network_id else None
        if known is None:
            return NetworkInputs(network_id)
        meetings = tuple(sorted(known.meetings.values(), key=lambda m: (m.date, m.meeting_id)))
        return NetworkInputs(network_id, known.name, meetings, dict(known.lists), known.roles)

    def named(self, network_id: str, name: str) -> None:
        """A network membership published (NetworkCreated)."""
        self._network(network_id).name = name

    def _network(self, network_id: str) -> _Network:
        return self.networks.setdefault(network_id, _Network())

    def meeting(self, change: MeetingChange) -> None:
        """Fold one meeting change (a meetings fact, or the audit's fact of one)."""
        network = self._network(change.network_id)
        before = network.meetings.get(change.meeting_id)
        if before is None:
            network.meetings[change.meeting_id] = MeetingFact(
                change.meeting_id, change.date, change.status
            )
        else:
            network.meetings[change.meeting_id] = MeetingFact(
                change.meeting_id,
                change.new_date or before.date,
                change.new_status or before.status,
            )
        listed = change.listed
        latest = network.lists.get(change.meeting_id)
        if listed is not None and (latest is None or latest.revision <= listed.revision):
            network.lists[change.meeting_id] = listed
