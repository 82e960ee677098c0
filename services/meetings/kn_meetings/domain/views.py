"""What people read about a meeting: its summary, its detail, the sheet to tick off."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kn_contracts.events.meetings import AgendaItem, Attendee, CheckIn, FollowUp
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import AttendanceList, Meeting, MeetingStatus, Plan
from kn_meetings.domain.roster import Membership, Roster


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
    follow_ups: tuple[FollowUp, ...]
    covers_mandatory_topic: bool
    status: MeetingStatus
    attendance: AttendanceCount | None


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


def covers(meeting: Meeting, mandatory: MandatoryTopic | None) -> bool:
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
        follow_ups=meeting.follow_ups,
        covers_mandatory_topic=covers(meeting, mandatory),
        status=meeting.status,
        attendance=count(current) if current else None,
    )


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
    members = tuple(
        SheetLine(x.person_id, x.name, x.clinic_name, x.ydernummer, x.person_id in ticked)
        for x in members_listed(roster, plan.network_id)
    )
    listed = {x.person_id for x in members}
    others = tuple(c for c in m.check_ins if c.person_id not in listed)
    return AttendanceSheet(m.meeting_id, m.date, m.status, m.closed, members, others)


def members_listed(roster: Roster, network_id: str) -> tuple[Membership, ...]:
    """The network's members on the roster's day, one line each (a person holding two
    ydernumre is listed once, with the first), by name."""
    one_each = {x.person_id: x for x in reversed(roster.of_network(network_id))}
    return tuple(sorted(one_each.values(), key=lambda x: (x.name.casefold(), x.person_id)))
