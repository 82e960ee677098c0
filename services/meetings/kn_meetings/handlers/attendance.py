"""Handlers for a held meeting's attendance protocol; they read meetings' membership view.

Each attempt builds its roster from the plan it decides on, so after a lost race a line
checked in meanwhile is classified from that person's memberships too.
"""

from __future__ import annotations

from kn_meetings.domain import attendance
from kn_meetings.domain.commands import CheckInAttendee, CloseAttendance, CorrectAttendance
from kn_meetings.domain.views import MeetingDetail, meeting_detail
from kn_meetings.handlers.streams import (
    MembershipDirectory,
    load_mandatory,
    plan_of,
    roster,
    year_of,
)
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import decide_and_append


async def check_in(
    store: EventStore, directory: MembershipDirectory, cmd: CheckInAttendee, cause: Cause
) -> MeetingDetail:
    """Tick a member off, or write someone on, a held meeting's open list."""
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store,
        plan_of(cmd.network_id, year),
        lambda plan, people: attendance.check_in(plan, cmd, cause, people),
        prepare=lambda plan: roster(directory, plan, cmd.meeting_id, [cmd.entry]),
    )
    return meeting_detail(decided.state, cmd.meeting_id, await load_mandatory(store, year))


async def close_attendance(
    store: EventStore, directory: MembershipDirectory, cmd: CloseAttendance, cause: Cause
) -> MeetingDetail:
    """Close the list and send it to EKM (AttendanceRecorded)."""
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store,
        plan_of(cmd.network_id, year),
        lambda plan, people: attendance.close(plan, cmd, cause, people),
        prepare=lambda plan: roster(directory, plan, cmd.meeting_id),
    )
    return meeting_detail(decided.state, cmd.meeting_id, await load_mandatory(store, year))


async def correct_attendance(
    store: EventStore, directory: MembershipDirectory, cmd: CorrectAttendance, cause: Cause
) -> MeetingDetail:
    """A corrected list with a reason (AttendanceCorrected); the first one stays as sent."""
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store,
        plan_of(cmd.network_id, year),
        lambda plan, people: attendance.correct(plan, cmd, cause, people),
        prepare=lambda plan: roster(directory, plan, cmd.meeting_id, cmd.add),
    )
    return meeting_detail(decided.state, cmd.meeting_id, await load_mandatory(store, year))
