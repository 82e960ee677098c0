"""Routes for a held meeting's attendance protocol."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kn_meetings import handlers
from kn_meetings.domain import commands as c
from kn_meetings.domain.views import AttendanceSheet, MeetingDetail, attendance_sheet
from kn_meetings.entrypoints import schemas as s
from kn_meetings.entrypoints.plans import MEETING, NetworkId
from kn_meetings.entrypoints.wiring import Planner, Reader, Wired
from kn_meetings.handlers.streams import roster
from kn_servicekit.access import may_read
from kn_servicekit.commands import run_command

router = APIRouter(tags=["attendance"])
LIST = f"{MEETING}/attendance"


@router.get(LIST)
async def sheet(
    network_id: NetworkId, meeting_id: str, actor: Reader, wired: Wired
) -> AttendanceSheet:
    """The members of the network on the meeting date, who ticked in, and who wrote in."""
    may_read(str(actor), network_id)
    plan = await handlers.load_plan(wired.store, network_id, handlers.year_of(meeting_id))
    return attendance_sheet(plan, meeting_id, await roster(wired.directory, plan, meeting_id))


@router.post(f"{LIST}/check-ins", status_code=201, response_model=MeetingDetail)
async def check_in(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.CheckInIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """A member ticks in (person_id), or someone not on the list writes in."""
    cmd = c.CheckInAttendee(network_id, meeting_id, body.entry())
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.check_in(st, wired.directory, cmd, cause),
                             status=201, clock=wired.clock)  # fmt: skip


@router.post(f"{LIST}/close", response_model=MeetingDetail)
async def close(
    request: Request, network_id: NetworkId, meeting_id: str, actor: Planner, wired: Wired
) -> JSONResponse:
    """Close the list and send it to EKM, each line classified as of the meeting date."""
    cmd = c.CloseAttendance(network_id, meeting_id)
    return await run_command(request, actor, wired.store, None, lambda st, cause:
                             handlers.close_attendance(st, wired.directory, cmd, cause),
                             clock=wired.clock)  # fmt: skip


@router.post(f"{LIST}/corrections", status_code=201, response_model=MeetingDetail)
async def correct(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.CorrectionIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """A correction after closing: lines added or struck, with a reason; never an edit."""
    cmd = c.CorrectAttendance(network_id, meeting_id, body.reason,
                              tuple(a.entry() for a in body.add), tuple(body.remove))  # fmt: skip
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.correct_attendance(st, wired.directory, cmd, cause),
                             status=201, clock=wired.clock)  # fmt: skip
