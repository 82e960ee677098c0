"""Streams, loading and the retrying append every handler shares; the membership port."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import reduce
from typing import Protocol

from kn_contracts.events.meetings import Attendee, CheckIn, MeetingsEvent
from kn_meetings.domain import mandatory
from kn_meetings.domain.commands import Entry, ListedMember
from kn_meetings.domain.errors import NotFound
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import Plan, evolve, fold
from kn_meetings.domain.roster import MembershipFact, Roster, roster_on
from kn_servicekit.errors import ConcurrencyError
from kn_servicekit.eventstore import EventStore

ATTEMPTS = 3  # a lost race on a stream is decided again on fresh state
MANDATORY_KEY = "mandatory-topics"  # one Kafka key keeps every year's topic in order
_MEETING_ID = re.compile(r"^(\d{4})-\d{2}-\d{2}(-\d+)?$")


class MembershipDirectory(Protocol):
    """Meetings' own view of membership, fed from membership's events."""

    async def facts(
        self, network_id: str, person_ids: Collection[str], ydernumre: Collection[str]
    ) -> list[MembershipFact]:
        """Joins and leaves of the network, of these persons and of these ydernumre."""
        ...


def plan_stream(network_id: str, year: int) -> str:
    return f"plan:{network_id}:{year}"


def mandatory_stream(year: int) -> str:
    return f"mandatory-topic:{year}"


def year_of(meeting_id: str) -> int:
    """A meeting's plan year, from its id (its first date)."""
    match = _MEETING_ID.match(meeting_id)
    if match is None:
        raise NotFound("Meetings 1: meetings are planned per network and year",
                       f"no meeting {meeting_id}: ids look like 2025-03-12")  # fmt: skip
    return int(match.group(1))


async def load_plan_at(store: EventStore, network_id: str, year: int) -> tuple[Plan, int]:
    """The plan and the stream version it was folded from."""
    stream = await store.read(plan_stream(network_id, year))
    return fold(network_id, year, (e.event for e in stream.events)), stream.version


async def load_plan(store: EventStore, network_id: str, year: int) -> Plan:
    return (await load_plan_at(store, network_id, year))[0]


async def load_mandatory(store: EventStore, year: int) -> MandatoryTopic | None:
    stream = await store.read(mandatory_stream(year))
    return mandatory.current(e.event for e in stream.events)


async def roster(
    directory: MembershipDirectory, plan: Plan, meeting_id: str, entries: Sequence[Entry] = ()
) -> Roster:
    """Memberships on the meeting's date relevant to its network, its list and new entries."""
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
    facts = await directory.facts(plan.network_id, persons, ydernumre)
    return roster_on(meeting.date, facts)


async def change(
    store: EventStore,
    network_id: str,
    year: int,
    decide: Callable[[Plan], Sequence[MeetingsEvent]],
) -> Plan:
    """Load the plan, decide, append; decide again if another writer got there first."""
    for attempt in range(1, ATTEMPTS + 1):
        plan, version = await load_plan_at(store, network_id, year)
        events = decide(plan)
        try:
            await store.append(plan_stream(network_id, year), version, events, key=network_id)
        except ConcurrencyError:
            if attempt == ATTEMPTS:
                raise
            continue
        return reduce(evolve, events, plan)
    raise AssertionError("unreachable")
