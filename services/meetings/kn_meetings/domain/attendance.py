"""Decisions on a held meeting's attendance protocol: check in, close, correct (Meetings 3)."""

from __future__ import annotations

from kn_contracts.events.meetings import (
    AttendanceCorrected,
    AttendanceRecorded,
    Attendee,
    AttendeeCheckedIn,
    CheckIn,
    MeetingsEvent,
)
from kn_meetings.domain.classify import classified, ensure_not_listed, identify, reidentified
from kn_meetings.domain.commands import (
    CheckInAttendee,
    CloseAttendance,
    CorrectAttendance,
)
from kn_meetings.domain.errors import (
    ATTENDANCE_CLOSED,
    ATTENDANCE_HELD,
    Conflict,
    Invalid,
)
from kn_meetings.domain.model import AttendanceList, Meeting, Plan
from kn_meetings.domain.roster import Roster
from kn_servicekit.access import may_act
from kn_servicekit.cause import Cause


def _held(plan: Plan, network_id: str, meeting_id: str, cause: Cause) -> Meeting:
    may_act(cause.actor, network_id)
    meeting = plan.meeting(meeting_id)
    if meeting.status == "cancelled":
        raise Conflict(ATTENDANCE_HELD, f"{meeting.named} was cancelled; it has no "
                       "attendance list")  # fmt: skip
    if meeting.status == "planned":
        raise Conflict(ATTENDANCE_HELD, f"{meeting.named} is not held yet; mark it held "
                       "first")  # fmt: skip
    return meeting


def check_in(plan: Plan, cmd: CheckInAttendee, cause: Cause, roster: Roster) -> list[MeetingsEvent]:
    """Put one person on an open list, once."""
    m = _held(plan, cmd.network_id, cmd.meeting_id, cause)
    if m.closed:
        raise Conflict(ATTENDANCE_CLOSED, f"the list of meeting {m.meeting_id} is closed; "
                       "send a correction with a reason")  # fmt: skip
    line = identify(cmd.entry, len(m.check_ins) + 1, m.network_id, roster)
    ensure_not_listed(line, m.check_ins)
    return [
        AttendeeCheckedIn(
            **cause.stamp(m.date), meeting_id=m.meeting_id, network_id=m.network_id, check_in=line
        )
    ]


def close(plan: Plan, cmd: CloseAttendance, cause: Cause, roster: Roster) -> list[MeetingsEvent]:
    """Close the list and send it to EKM, each line classified as of the meeting date."""
    m = _held(plan, cmd.network_id, cmd.meeting_id, cause)
    if m.closed:
        raise Conflict(ATTENDANCE_CLOSED, f"the list of meeting {m.meeting_id} was closed "
                       "already; send a correction with a reason")  # fmt: skip
    if not m.check_ins:
        raise Invalid(ATTENDANCE_HELD, f"nobody is on the list of meeting {m.meeting_id}")
    return [
        AttendanceRecorded(
            **cause.stamp(m.date),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            meeting_date=m.date,
            attendees=classified(reidentified(m.check_ins, roster), m.network_id, roster),
        )
    ]


def correct(
    plan: Plan, cmd: CorrectAttendance, cause: Cause, roster: Roster
) -> list[MeetingsEvent]:
    """A whole new list after closing, with a reason: lines struck or added, and every line
    identified and classified again (so a membership change reported late is taken in)."""
    m = _held(plan, cmd.network_id, cmd.meeting_id, cause)
    current = _sent(m)
    lines = {a.line for a in current.attendees}
    unknown = sorted(set(cmd.remove) - lines)
    if unknown:
        raise Invalid(ATTENDANCE_CLOSED, f"the list has no line(s) {unknown}")
    kept = tuple(_line(a) for a in current.attendees if a.line not in cmd.remove)
    next_line = max(lines | {c.line for c in m.check_ins}) + 1
    for offset, entry in enumerate(cmd.add):
        line = identify(entry, next_line + offset, m.network_id, roster)
        ensure_not_listed(line, kept)
        kept = (*kept, line)
    corrected = _relisted(m, current, kept, cause, roster, cmd.reason)
    if not corrected:
        raise Invalid(ATTENDANCE_CLOSED, "the corrected list would equal the current one: "
                      "every line is identified and classified as before; add or strike "
                      "lines")  # fmt: skip
    return corrected


def revise(
    plan: Plan,
    meeting_id: str,
    cause: Cause,
    roster: Roster,
    reason: str,
    fact: tuple[Roster, Roster] | None = None,
) -> list[MeetingsEvent]:
    """Meetings 10: meetings' own revision of a sent list after a late membership fact, the
    fact being its cause; `fact` is the roster without and with it, when known, and only a
    fact that changes a line makes a revision. The revision is the list as `roster` (all
    facts known now) makes it, so it never goes back behind a later fact."""
    m = plan.find(meeting_id)
    if m is None or m.current_list is None:
        return []
    lines = tuple(_line(a) for a in m.current_list.attendees)
    if fact is not None:
        without, with_it = (classified(reidentified(lines, r), m.network_id, r) for r in fact)
        if without == with_it:
            return []
    return _relisted(m, m.current_list, lines, cause, roster, reason)


def _sent(m: Meeting) -> AttendanceList:
    if m.current_list is None:
        raise Conflict(ATTENDANCE_CLOSED, f"the list of meeting {m.meeting_id} is still open; "
                       "check people in or out before closing it")  # fmt: skip
    return m.current_list


def _line(attendee: Attendee) -> CheckIn:
    """A sent line as it was put on the list, to be identified and classified again."""
    return CheckIn(**attendee.model_dump(exclude={"category"}),
                   employed=attendee.category == "employee")  # fmt: skip


def _relisted(
    m: Meeting,
    current: AttendanceList,
    lines: tuple[CheckIn, ...],
    cause: Cause,
    roster: Roster,
    reason: str,
) -> list[MeetingsEvent]:
    """The next revision of the list, identified (Meetings 9) and classified as of the
    meeting date; nothing when it would equal the current one."""
    attendees = classified(reidentified(lines, roster), m.network_id, roster)
    if attendees == current.attendees:
        return []
    return [
        AttendanceCorrected(
            **cause.stamp(m.date),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            meeting_date=m.date,
            revision=current.revision + 1,
            attendees=attendees,
            reason=reason,
        )
    ]
