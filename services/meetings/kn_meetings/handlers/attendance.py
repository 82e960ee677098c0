"""Handlers for a held meeting's attendance protocol; they read meetings' membership view."""

from __future__ import annotations

from kn_meetings.domain import attendance
from kn_meetings.domain.commands import CheckInAttendee, CloseAttendance, Context, CorrectAttendance
from kn_meetings.domain.views import MeetingDetail, meeting_detail
from kn_meetings.handlers.streams import (
    MembershipDirectory,
    change,
    load_mandatory,
    load_plan,
    roster,
    year_of,
)
from kn_servicekit.eventstore import EventStore


async def check_in(
    store: EventStore, directory: MembershipDirectory, cmd: CheckInAttendee, ctx: Context
) -> MeetingDetail:
    """Tick a member off, or write someone on, a held meeting's open list."""
    year = year_of(cmd.meeting_id)
    people = await roster(
        directory, await load_plan(store, cmd.network_id, year), cmd.meeting_id, [cmd.entry]
    )
    plan = await change(
        store, cmd.network_id, year, lambda p: attendance.check_in(p, cmd, ctx, people)
    )
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def close_attendance(
    store: EventStore, directory: MembershipDirectory, cmd: CloseAttendance, ctx: Context
) -> MeetingDetail:
    """Close the list and send it to EKM (AttendanceRecorded)."""
    year = year_of(cmd.meeting_id)
    people = await roster(directory, await load_plan(store, cmd.network_id, year), cmd.meeting_id)
    plan = await change(
        store, cmd.network_id, year, lambda p: attendance.close(p, cmd, ctx, people)
    )
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def correct_attendance(
    store: EventStore, directory: MembershipDirectory, cmd: CorrectAttendance, ctx: Context
) -> MeetingDetail:
    """A corrected list with a reason (AttendanceCorrected); the first one stays as sent."""
    year = year_of(cmd.meeting_id)
    people = await roster(
        directory, await load_plan(store, cmd.network_id, year), cmd.meeting_id, cmd.add
    )
    plan = await change(
        store, cmd.network_id, year, lambda p: attendance.correct(p, cmd, ctx, people)
    )
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))
