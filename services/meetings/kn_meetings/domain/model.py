"""A network's plan for one year, as the fold of its events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import reduce
from typing import Literal

from kn_contracts.base import Event
from kn_contracts.events.meetings import (
    AgendaItem,
    AttendanceCorrected,
    AttendanceRecorded,
    Attendee,
    AttendeeCheckedIn,
    CheckIn,
    FollowUp,
    MeetingAgendaChanged,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingTopicsChanged,
)
from kn_meetings.domain.errors import NotFound

MeetingStatus = Literal["planned", "cancelled", "held"]


@dataclass(frozen=True)
class AttendanceList:
    """One closed version of a meeting's list: revision 1 as recorded, then corrections."""

    revision: int
    attendees: tuple[Attendee, ...]
    reason: str | None = None


@dataclass(frozen=True)
class Meeting:
    """A meeting in a plan, with its attendance protocol once held."""

    meeting_id: str
    network_id: str
    plan_year: int
    date: dt.date
    starts: dt.time
    ends: dt.time
    place: str
    topics: tuple[str, ...]
    mandatory_topic_id: str | None
    agenda: tuple[AgendaItem, ...]
    follow_ups: tuple[FollowUp, ...] = ()
    status: MeetingStatus = "planned"
    changes: int = 0  # how often it changed since scheduled (the invitation's SEQUENCE)
    check_ins: tuple[CheckIn, ...] = ()
    lists: tuple[AttendanceList, ...] = ()

    @property
    def named(self) -> str:
        """How messages name it: its id, and its date once moved away from the id's."""
        moved = not self.meeting_id.startswith(self.date.isoformat())
        return f"meeting {self.meeting_id}" + (f" (now on {self.date})" if moved else "")

    @property
    def closed(self) -> bool:
        """True once the attendance list was closed and sent to EKM."""
        return bool(self.lists)

    @property
    def current_list(self) -> AttendanceList | None:
        """The latest closed list (after any corrections)."""
        return self.lists[-1] if self.lists else None


@dataclass(frozen=True)
class Plan:
    """A network's meetings in one calendar year."""

    network_id: str
    year: int
    meetings: tuple[Meeting, ...] = ()

    def find(self, meeting_id: str) -> Meeting | None:
        return next((m for m in self.meetings if m.meeting_id == meeting_id), None)

    def meeting(self, meeting_id: str) -> Meeting:
        """The meeting, or NotFound naming the plan."""
        found = self.find(meeting_id)
        if found is None:
            raise NotFound(
                "Meetings 1: meetings are planned per network and year",
                f"network {self.network_id} has no meeting {meeting_id} in {self.year}",
            )
        return found

    def with_meeting(self, meeting: Meeting) -> Plan:
        others = [m for m in self.meetings if m.meeting_id != meeting.meeting_id]
        ordered = sorted([*others, meeting], key=lambda m: (m.date, m.starts, m.meeting_id))
        return replace(self, meetings=tuple(ordered))


def evolve(plan: Plan, event: Event) -> Plan:
    """The plan after one event."""
    if isinstance(event, MeetingScheduled):
        return plan.with_meeting(
            Meeting(
                meeting_id=event.meeting_id,
                network_id=event.network_id,
                plan_year=event.plan_year,
                date=event.meeting_date,
                starts=event.starts,
                ends=event.ends,
                place=event.place,
                topics=event.topics,
                mandatory_topic_id=event.mandatory_topic_id,
                agenda=event.agenda,
                follow_ups=event.follow_ups,
            )
        )
    meeting = plan.find(getattr(event, "meeting_id", ""))
    if meeting is None:
        return plan
    return plan.with_meeting(_evolve_meeting(meeting, event))


def _evolve_meeting(m: Meeting, event: Event) -> Meeting:
    if isinstance(event, MeetingRescheduled):
        moved = replace(m, date=event.meeting_date, starts=event.starts, ends=event.ends)
        return replace(moved, place=event.place, changes=m.changes + 1)
    if isinstance(event, MeetingTopicsChanged):
        return replace(
            m,
            topics=event.topics,
            mandatory_topic_id=event.mandatory_topic_id,
            follow_ups=event.follow_ups,
            changes=m.changes + 1,
        )
    if isinstance(event, MeetingAgendaChanged):
        return replace(m, agenda=event.agenda, changes=m.changes + 1)
    if isinstance(event, MeetingCancelled):
        return replace(m, status="cancelled", changes=m.changes + 1)
    if isinstance(event, MeetingHeld):
        return replace(m, status="held")
    if isinstance(event, AttendeeCheckedIn):
        return replace(m, check_ins=(*m.check_ins, event.check_in))
    if isinstance(event, AttendanceRecorded):
        return replace(m, lists=(*m.lists, AttendanceList(1, event.attendees)))
    if isinstance(event, AttendanceCorrected):
        corrected = AttendanceList(event.revision, event.attendees, event.reason)
        return replace(m, lists=(*m.lists, corrected))
    return m


def fold(network_id: str, year: int, events: Iterable[Event]) -> Plan:
    """The plan as its events leave it."""
    return reduce(evolve, events, Plan(network_id, year))
