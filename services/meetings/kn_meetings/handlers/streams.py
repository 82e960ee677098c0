"""The streams handlers decide on, how they load, and the membership port rosters come from."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Protocol

from kn_contracts.base import Event
from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.meetings import Attendee, CheckIn
from kn_meetings.domain import mandatory
from kn_meetings.domain.commands import Entry, ListedMember
from kn_meetings.domain.errors import NotFound
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import Plan, evolve
from kn_meetings.domain.roster import MembershipFact, Roster, roster_on
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import Aggregate, load

MANDATORY_KEY = "mandatory-topics"  # one Kafka key keeps every year's topic in order
_MEETING_ID = re.compile(r"^(\d{4})-\d{2}-\d{2}(-\d+)?$")


class MembershipDirectory(Protocol):
    """Meetings' own view of membership, fed from membership's events."""

    async def facts(
        self, network_id: str, person_ids: Collection[str], ydernumre: Collection[str]
    ) -> list[MembershipFact]:
        """Joins and leaves of the network, of these persons and of these ydernumre."""
        ...

    async def network_name(self, network_id: str) -> str | None:
        """The network's name as membership published it, if known yet."""
        ...

    async def coordinators(self, network_id: str) -> RoleHistory:
        """The network's coordinator role over time, as membership recorded it."""
        ...


class AnnualStatuses(Protocol):
    """Which annual statuses were submitted (meetings' view of reporting's events)."""

    async def submitted(self, network_id: str, year: int) -> bool:
        """Whether the network's annual status of the year was submitted."""
        ...


def plan_of(network_id: str, year: int) -> Aggregate[Plan]:
    """A network's plan for one year: one stream, keyed on Kafka by the network."""
    return Aggregate(f"plan:{network_id}:{year}", lambda: Plan(network_id, year), evolve,
                     key=network_id)  # fmt: skip


def _published(topic: MandatoryTopic | None, event: Event) -> MandatoryTopic | None:
    return mandatory.current([event]) or topic


def mandatory_of(year: int) -> Aggregate[MandatoryTopic | None]:
    """The year's mandatory topic: one stream per year."""
    return Aggregate(f"mandatory-topic:{year}", lambda: None, _published, key=MANDATORY_KEY)


def year_of(meeting_id: str) -> int:
    """A meeting's plan year, from its id (its first date)."""
    match = _MEETING_ID.match(meeting_id)
    if match is None:
        raise NotFound("Meetings 1: meetings are planned per network and year",
                       f"no meeting {meeting_id}: ids look like 2025-03-12")  # fmt: skip
    return int(match.group(1))


async def load_plan(store: EventStore, network_id: str, year: int) -> Plan:
    return (await load(store, plan_of(network_id, year)))[0]


async def load_plans(
    store: EventStore, network_id: str, years: Collection[int], besides: Collection[int] = ()
) -> list[Plan]:
    """The network's plans of these years, except those in `besides` (already at hand)."""
    return [await load_plan(store, network_id, y) for y in sorted(set(years) - set(besides))]


async def load_mandatory(store: EventStore, year: int) -> MandatoryTopic | None:
    return (await load(store, mandatory_of(year)))[0]


async def roster(
    directory: MembershipDirectory, plan: Plan, meeting_id: str, entries: Sequence[Entry] = ()
) -> Roster:
    """Memberships on the meeting's date relevant to its network, its list and new entries."""
    facts = await facts_for(directory, plan, meeting_id, entries)
    return roster_on(plan.meeting(meeting_id).date, facts)


async def facts_for(
    directory: MembershipDirectory, plan: Plan, meeting_id: str, entries: Sequence[Entry] = ()
) -> list[MembershipFact]:
    """The membership facts of the meeting's network, of the people on its list (checked in
    or on any revision) and of new entries, in the order they arrived."""
    meeting = plan.meeting(meeting_id)
    lines: list[CheckIn | Attendee] = [
        *meeting.check_ins,
        *(a for lst in meeting.lists for a in lst.attendees),
    ]
    persons = {x.person_id for x in lines if x.person_id} | {
        e.person_id for e in entries if isinstance(e, ListedMember)
    }
    ydernumre = {x.ydernummer for x in lines if x.ydernummer} | {
        e.ydernummer for e in entries if not isinstance(e, ListedMember) and e.ydernummer
    }
    return await directory.facts(plan.network_id, persons, ydernumre)
