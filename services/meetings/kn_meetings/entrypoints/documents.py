"""Documents people use: the plan to import, a meeting's invitation, its attendance sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kn_meetings import handlers
from kn_meetings.adapters import ics, sheet
from kn_meetings.entrypoints.plans import MEETING, NetworkId
from kn_meetings.entrypoints.wiring import Planner, Reader, Wired
from kn_meetings.handlers.papers import Holder, papers
from kn_servicekit.access import may_read

router = APIRouter(tags=["documents"])
CALENDAR = "text/calendar; charset=utf-8"


def _organizer(holders: tuple[Holder, ...], network_id: str, name: str) -> ics.Person:
    """The coordinator organises; with none on record, the network itself."""
    if holders:
        return ics.Person(holders[0].person_id, holders[0].name)
    return ics.Person(network_id, f"Kvalitetsnetværk {name}")


def _attachment(body: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/networks/{network_id}/plan.ics", response_class=Response)
async def plan_calendar(
    network_id: NetworkId,
    actor: Reader,
    wired: Wired,
    year: Annotated[list[int], Query(min_length=1, max_length=2)],
) -> Response:
    """The plan to import into a calendar (METHOD:PUBLISH), e.g. ?year=2025&year=2026; a
    cancelled meeting stays, STATUS:CANCELLED. Invitations to send are per meeting."""
    may_read(str(actor), network_id)
    plans = [await handlers.load_plan(wired.store, network_id, y) for y in sorted(set(year))]
    name = await wired.directory.network_name(network_id) or network_id
    spell = (await wired.directory.coordinators(network_id)).on(wired.today())
    holders = () if spell is None else tuple(Holder(*h) for h in spell.holders)
    body = ics.plan_calendar(plans, name, _organizer(holders, network_id, name), wired.addresses,
                             wired.clock())  # fmt: skip
    return _attachment(body, CALENDAR, f"{network_id}.ics")


@router.get(f"{MEETING}/invitation.ics", response_class=Response)
async def invitation(
    network_id: NetworkId, meeting_id: str, actor: Reader, wired: Wired
) -> Response:
    """The meeting's invitation to send (METHOD:REQUEST; METHOD:CANCEL once cancelled):
    organised by today's coordinator, an ATTENDEE per member on the meeting date."""
    may_read(str(actor), network_id)
    got = await papers(wired.store, wired.directory, network_id, meeting_id, wired.today())
    organizer = _organizer(got.today or got.on_the_day, network_id, got.network_name)
    members = [ics.Person(m.person_id, m.name) for m in got.members]
    body = ics.invitation(got.meeting, got.network_name, organizer, members, wired.addresses,
                          wired.clock())  # fmt: skip
    return _attachment(body, CALENDAR, f"{network_id}-{meeting_id}.ics")


@router.get(f"{MEETING}/attendance-sheet.pdf", response_class=Response)
async def attendance_sheet(
    network_id: NetworkId,
    meeting_id: str,
    actor: Planner,
    wired: Wired,
    blank_rows: Annotated[int, Query(ge=0, le=60)] = 10,
) -> Response:
    """The sheet to print for the meeting: place, time, topics, the members on its date to
    sign, blank rows for people not on it, and a line for the coordinator."""
    may_read(str(actor), network_id)
    got = await papers(wired.store, wired.directory, network_id, meeting_id, wired.today())
    body = sheet.attendance_sheet(got, blank_rows, wired.font)
    return _attachment(body, "application/pdf", f"deltagerliste-{network_id}-{meeting_id}.pdf")
