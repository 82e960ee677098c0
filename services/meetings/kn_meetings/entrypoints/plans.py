"""Routes for plans, meetings and the mandatory topic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from kn_contracts.events.meetings import AgendaItem
from kn_meetings import handlers
from kn_meetings.domain import commands as c
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.views import MeetingDetail, meeting_detail
from kn_meetings.domain.year import YearView
from kn_meetings.entrypoints import schemas as s
from kn_meetings.entrypoints.wiring import Planner, Reader, Wired
from kn_servicekit.access import may_read
from kn_servicekit.commands import run_command
from kn_servicekit.params import YearInPath

router = APIRouter(tags=["meetings"])
NetworkId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
MEETING = "/networks/{network_id}/meetings/{meeting_id}"


@router.post("/networks/{network_id}/plan", status_code=201, response_model=list[YearView])
async def plan_meetings(
    request: Request, network_id: NetworkId, body: s.PlanIn, actor: Planner, wired: Wired
) -> JSONResponse:
    """Plan meetings for one or two years; each year's answer flags a count outside 2–4."""
    cmd = c.ScheduleMeetings(
        network_id, tuple(body.years), tuple(m.planned() for m in body.meetings)
    )
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.schedule_meetings(st, cmd, cause, wired.scheme),
                             status=201, clock=wired.clock)  # fmt: skip


@router.get("/networks/{network_id}/years/{year}")
async def network_year(
    network_id: NetworkId, year: YearInPath, actor: Reader, wired: Wired
) -> YearView:
    """The year's meetings, the 2–4 flag (held ones only once the year is over), early
    follow-ups and whether the mandatory topic was covered."""
    may_read(str(actor), network_id)
    return await handlers.year_of_network(wired.store, network_id, year, wired.scheme,
                                          wired.today())  # fmt: skip


@router.get(MEETING)
async def meeting(
    network_id: NetworkId, meeting_id: str, actor: Reader, wired: Wired
) -> MeetingDetail:
    """One meeting: time, place, topics, agenda, check-ins and its closed list."""
    may_read(str(actor), network_id)
    year = handlers.year_of(meeting_id)
    plan = await handlers.load_plan(wired.store, network_id, year)
    return meeting_detail(plan, meeting_id, await handlers.load_mandatory(wired.store, year))


@router.post(f"{MEETING}/reschedule", response_model=MeetingDetail)
async def reschedule(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.RescheduleIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """Move a planned meeting (date, times, place) within its plan year."""
    cmd = c.RescheduleMeeting(network_id, meeting_id, body.date, body.starts, body.ends,
                              body.place, body.reason)  # fmt: skip
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.reschedule(st, cmd, cause), clock=wired.clock)  # fmt: skip


@router.put(f"{MEETING}/topics", response_model=MeetingDetail)
async def change_topics(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.TopicsIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """Set a planned meeting's topics (whether it covers the mandatory topic, which earlier
    meetings it follows up), or correct a held meeting's with a reason (Meetings 7)."""
    cmd = c.ChangeTopics(network_id, meeting_id, tuple(body.topics), body.mandatory_topic_id,
                         tuple(body.follow_ups), body.reason)  # fmt: skip
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.change_topics(st, wired.statuses, cmd, cause),
                             clock=wired.clock)  # fmt: skip


@router.put(f"{MEETING}/agenda", response_model=MeetingDetail)
async def change_agenda(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.AgendaIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """Replace a planned meeting's agenda (it starts from the generic template)."""
    cmd = c.ChangeAgenda(network_id, meeting_id, tuple(body.items))
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.change_agenda(st, cmd, cause), clock=wired.clock)  # fmt: skip


@router.post(f"{MEETING}/cancel", response_model=MeetingDetail)
async def cancel(
    request: Request,
    network_id: NetworkId,
    meeting_id: str,
    body: s.CancelIn,
    actor: Planner,
    wired: Wired,
) -> JSONResponse:
    """Call off a planned meeting, with a reason."""
    cmd = c.CancelMeeting(network_id, meeting_id, body.reason)
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.cancel(st, cmd, cause), clock=wired.clock)  # fmt: skip


@router.post(f"{MEETING}/held", response_model=MeetingDetail)
async def held(
    request: Request, network_id: NetworkId, meeting_id: str, actor: Planner, wired: Wired
) -> JSONResponse:
    """Record that the meeting took place (on or after its date); opens its list."""
    cmd = c.MarkHeld(network_id, meeting_id)
    return await run_command(request, actor, wired.store, None, lambda st, cause:
                             handlers.hold(st, cmd, cause), clock=wired.clock)  # fmt: skip


@router.get("/agenda-template")
async def agenda_template(actor: Reader, wired: Wired) -> list[AgendaItem]:
    """The generic agenda new meetings start from ("{topic}" is filled in)."""
    return list(wired.scheme.agenda_template)


@router.post("/mandatory-topics", status_code=201, response_model=MandatoryTopic)
async def publish_mandatory_topic(
    request: Request, body: s.MandatoryTopicIn, actor: Planner, wired: Wired
) -> JSONResponse:
    """EKM publishes the mandatory topic of a year (once)."""
    cmd = c.PublishMandatoryTopic(body.year, body.topic_id, body.title, body.package_url)
    return await run_command(request, actor, wired.store, body, lambda st, cause:
                             handlers.publish_mandatory_topic(st, cmd, cause, wired.scheme),
                             status=201, clock=wired.clock)  # fmt: skip


@router.get("/mandatory-topics/{year}")
async def mandatory_topic(year: YearInPath, actor: Reader, wired: Wired) -> MandatoryTopic | None:
    """The year's mandatory topic, or null while EKM has not published one."""
    return await handlers.load_mandatory(wired.store, year)
