"""A network's meetings of one year, folded from meetings' events (DOMAIN Meetings 1-3, 7).

Each meeting keeps its latest place and topics (a held meeting's topics may be corrected,
Meetings 7) and the attendance list with the highest revision: the recorded list is
revision 1, every correction or revision meetings records by itself adds one (Meetings 10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from kn_contracts.base import Event
from kn_contracts.events.meetings import (
    AttendanceCorrected,
    AttendanceRecorded,
    Attendee,
    MandatoryTopicPublished,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingTopicsChanged,
)

MeetingStatus = Literal["planned", "held", "cancelled"]


@dataclass(frozen=True)
class AttendanceList:
    """The list EKM has for a meeting: its revision and lines (reason of a correction)."""

    revision: int
    attendees: tuple[Attendee, ...]
    reason: str | None = None


@dataclass(frozen=True)
class Meeting:
    """One meeting of the plan year as its events leave it."""

    meeting_id: str
    plan_year: int
    date: dt.date
    place: str
    topics: tuple[str, ...]
    mandatory_topic_id: str | None
    status: MeetingStatus = "planned"
    attendance: AttendanceList | None = None


@dataclass(frozen=True)
class MandatoryTopic:
    """The topic every network works on in a year (Meetings 2)."""

    topic_id: str
    title: str


def meetings_of(events: Iterable[Event], year: int) -> tuple[Meeting, ...]:
    """The network's meetings planned for `year`, by date."""
    found: dict[str, Meeting] = {}
    for event in events:
        if isinstance(event, MeetingScheduled):
            found[event.meeting_id] = Meeting(
                event.meeting_id,
                event.plan_year,
                event.meeting_date,
                event.place,
                event.topics,
                event.mandatory_topic_id,
            )
            continue
        meeting = found.get(getattr(event, "meeting_id", ""))
        if meeting is not None:
            found[meeting.meeting_id] = _evolve(meeting, event)
    mine = (m for m in found.values() if m.plan_year == year)
    return tuple(sorted(mine, key=lambda m: (m.date, m.meeting_id)))


def _evolve(m: Meeting, event: Event) -> Meeting:
    if isinstance(event, MeetingRescheduled):
        return replace(m, date=event.meeting_date, place=event.place)
    if isinstance(event, MeetingTopicsChanged):
        return replace(m, topics=event.topics, mandatory_topic_id=event.mandatory_topic_id)
    if isinstance(event, MeetingCancelled):
        return replace(m, status="cancelled")
    if isinstance(event, MeetingHeld):
        held = replace(m, status="held", date=event.effective_date, place=event.place)
        if event.topics or event.mandatory_topic_id:
            held = replace(held, topics=event.topics, mandatory_topic_id=event.mandatory_topic_id)
        return held
    if isinstance(event, AttendanceRecorded | AttendanceCorrected):
        revision = event.revision if isinstance(event, AttendanceCorrected) else 1
        if m.attendance is not None and m.attendance.revision > revision:
            return m  # a revision that arrived late never replaces a later one
        reason = event.reason if isinstance(event, AttendanceCorrected) else None
        return replace(m, attendance=AttendanceList(revision, event.attendees, reason))
    return m


def mandatory_topic(events: Iterable[Event], year: int) -> MandatoryTopic | None:
    """The year's mandatory topic as EKM published it, if it did."""
    found = None
    for event in events:
        if isinstance(event, MandatoryTopicPublished) and event.year == year:
            found = MandatoryTopic(event.topic_id, event.title)
    return found
