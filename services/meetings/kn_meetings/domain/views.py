"""What people read: a network's year, one meeting, the sheet to tick off at a meeting."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from kn_contracts.events.meetings import AgendaItem, Attendee, CheckIn
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import AttendanceList, Meeting, MeetingStatus, Plan
from kn_meetings.domain.roster import Roster
from kn_meetings.domain.scheme import Scheme

Coverage = Literal["not_published", "not_planned", "planned", "covered"]


@dataclass(frozen=True)
class AttendanceCount:
    """How the latest list of a meeting splits by category."""

    revision: int
    member_owner: int
    other_network_owner: int
    employee: int
    guest: int


@dataclass(frozen=True)
class MeetingSummary:
    meeting_id: str
    date: dt.date
    starts: dt.time
    ends: dt.time
    place: str
    topics: tuple[str, ...]
    covers_mandatory_topic: bool
    status: MeetingStatus
    attendance: AttendanceCount | None


@dataclass(frozen=True)
class MandatoryCoverage:
    """Whether the year's mandatory topic was planned and covered at a held meeting."""

    year: int
    topic_id: str | None
    title: str | None
    status: Coverage


@dataclass(frozen=True)
class YearView:
    network_id: str
    year: int
    meetings: tuple[MeetingSummary, ...]
    meetings_planned: int
    meetings_held: int
    mandatory_topic: MandatoryCoverage
    flags: tuple[str, ...]


@dataclass(frozen=True)
class MeetingDetail:
    network_id: str
    meeting: MeetingSummary
    agenda: tuple[AgendaItem, ...]
    agenda_minutes: int
    check_ins: tuple[CheckIn, ...]
    attendance_list: tuple[Attendee, ...]
    corrections: tuple[str, ...]


@dataclass(frozen=True)
class SheetLine:
    """A member of the network on the meeting day, and whether they ticked in."""

    person_id: str
    name: str
    clinic: str
    ydernummer: str
    checked_in: bool


@dataclass(frozen=True)
class AttendanceSheet:
    meeting_id: str
    date: dt.date
    status: MeetingStatus
    closed: bool
    members: tuple[SheetLine, ...]
    written_in: tuple[CheckIn, ...]


def count(attendance: AttendanceList) -> AttendanceCount:
    by = Counter(a.category for a in attendance.attendees)
    return AttendanceCount(
        attendance.revision, by["member_owner"], by["other_network_owner"], by["employee"],
        by["guest"],
    )  # fmt: skip


def _covers(meeting: Meeting, mandatory: MandatoryTopic | None) -> bool:
    return mandatory is not None and meeting.mandatory_topic_id == mandatory.topic_id


def summary(meeting: Meeting, mandatory: MandatoryTopic | None) -> MeetingSummary:
    current = meeting.current_list
    return MeetingSummary(
        meeting_id=meeting.meeting_id,
        date=meeting.date,
        starts=meeting.starts,
        ends=meeting.ends,
        place=meeting.place,
        topics=meeting.topics,
        covers_mandatory_topic=_covers(meeting, mandatory),
        status=meeting.status,
        attendance=count(current) if current else None,
    )


def year_view(plan: Plan, mandatory: MandatoryTopic | None, scheme: Scheme) -> YearView:
    """The year's meetings, flagged against the 2–4 rule and the mandatory topic."""
    active = [m for m in plan.meetings if m.status != "cancelled"]
    held = [m for m in active if m.status == "held"]
    coverage = _coverage(plan, active, held, mandatory, scheme)
    flags = []
    if not scheme.min_meetings <= len(active) <= scheme.max_meetings:  # Meetings 1
        flags.append(
            f"Meetings 1: {len(active)} meeting(s) planned in {plan.year}; "
            f"the agreement asks for {scheme.min_meetings}–{scheme.max_meetings} a year"
        )
    if coverage.status == "not_planned":  # Meetings 2
        flags.append(f"Meetings 2: no meeting in {plan.year} covers the mandatory topic "
                     f"{coverage.topic_id} ({coverage.title})")  # fmt: skip
    return YearView(
        network_id=plan.network_id,
        year=plan.year,
        meetings=tuple(summary(m, mandatory) for m in plan.meetings),
        meetings_planned=len(active),
        meetings_held=len(held),
        mandatory_topic=coverage,
        flags=tuple(flags),
    )


def _coverage(
    plan: Plan,
    active: list[Meeting],
    held: list[Meeting],
    mandatory: MandatoryTopic | None,
    scheme: Scheme,
) -> MandatoryCoverage:
    if mandatory is None:
        return MandatoryCoverage(plan.year, None, None, "not_published")
    if any(_covers(m, mandatory) for m in held):
        status: Coverage = "covered"
    elif any(_covers(m, mandatory) for m in active):
        status = "planned"
    else:
        status = "not_planned"
    return MandatoryCoverage(plan.year, mandatory.topic_id, mandatory.title, status)


def meeting_detail(plan: Plan, meeting_id: str, mandatory: MandatoryTopic | None) -> MeetingDetail:
    m = plan.meeting(meeting_id)
    current = m.current_list
    return MeetingDetail(
        network_id=plan.network_id,
        meeting=summary(m, mandatory),
        agenda=m.agenda,
        agenda_minutes=sum(item.minutes for item in m.agenda),
        check_ins=m.check_ins,
        attendance_list=current.attendees if current else (),
        corrections=tuple(c.reason or "" for c in m.lists[1:]),
    )


def attendance_sheet(plan: Plan, meeting_id: str, roster: Roster) -> AttendanceSheet:
    """The member list to tick off, as of the meeting date, and who wrote themselves on."""
    m = plan.meeting(meeting_id)
    ticked = {c.person_id for c in m.check_ins if c.person_id is not None}
    one_each = {x.person_id: x for x in reversed(roster.of_network(plan.network_id))}
    members = tuple(
        SheetLine(x.person_id, x.name, x.clinic_name, x.ydernummer, x.person_id in ticked)
        for x in sorted(one_each.values(), key=lambda x: (x.name.casefold(), x.person_id))
    )
    listed = {x.person_id for x in members}
    others = tuple(c for c in m.check_ins if c.person_id not in listed)
    return AttendanceSheet(m.meeting_id, m.date, m.status, m.closed, members, others)
