"""What the documents of a meeting need: the meeting, the network, its members on the
meeting date and who coordinates it (the attendance sheet, the invitations)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_meetings.domain.model import Meeting
from kn_meetings.domain.roster import Membership
from kn_meetings.domain.views import members_listed
from kn_meetings.handlers.streams import MembershipDirectory, load_plan, roster, year_of
from kn_servicekit.eventstore import EventStore


@dataclass(frozen=True)
class Holder:
    """A coordinator on a day: the register's person id and name."""

    person_id: str
    name: str


@dataclass(frozen=True)
class Papers:
    network_id: str
    network_name: str
    meeting: Meeting
    members: tuple[Membership, ...]  # one line per member on the meeting date, by name
    on_the_day: tuple[Holder, ...]  # the coordinator(s) on the meeting date
    today: tuple[Holder, ...]  # the coordinator(s) today, who send the invitations


async def papers(
    store: EventStore,
    directory: MembershipDirectory,
    network_id: str,
    meeting_id: str,
    today: dt.date,
) -> Papers:
    """The meeting with its network's name, members on its date and coordinators."""
    plan = await load_plan(store, network_id, year_of(meeting_id))
    meeting = plan.meeting(meeting_id)
    members = members_listed(await roster(directory, plan, meeting_id), network_id)
    history = await directory.coordinators(network_id)

    def holders(day: dt.date) -> tuple[Holder, ...]:
        spell = history.on(day)
        return () if spell is None else tuple(Holder(*h) for h in spell.holders)

    name = await directory.network_name(network_id) or network_id
    return Papers(network_id, name, meeting, members, holders(meeting.date), holders(today))
