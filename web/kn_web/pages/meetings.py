"""The meeting plan: a year's meetings, planning one, moving, cancelling, holding it, and
the calendar files (Meetings 1, 6)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.pages.common import year_of
from kn_web.pages.files import passed_on
from kn_web.web import Posted, signed_in, web

router = APIRouter()
PLAN = "/netvaerk/{network_id}/moeder"
MEETING = PLAN + "/{meeting_id}"


def _api(network_id: str) -> str:
    return f"/v1/networks/{network_id}"


@router.get(PLAN)
async def plan(request: Request, network_id: str, aar: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    year = year_of(aar)
    this, following = await asyncio.gather(
        services.get("meetings", f"{_api(network_id)}/years/{year}", session.token),
        services.get("meetings", f"{_api(network_id)}/years/{year + 1}", session.token),
    )
    return web(request).page(request, "moeder.html", session, network_id=network_id,
                             year=year, years=[this, following])  # fmt: skip


@router.post(PLAN)
async def plan_meeting(request: Request, network_id: str) -> Response:
    async def work(sent: Posted) -> tuple[str, str]:
        day = sent.date("dato")
        topics = [t.strip() for t in sent.text("emner").splitlines() if t.strip()]
        meeting: dict[str, object] = {"date": day, "starts": sent.text("starter") or "17:00",
                                      "place": sent.text("sted"), "topics": topics}  # fmt: skip
        if sent.optional("slutter"):
            meeting["ends"] = sent.text("slutter")
        if sent.optional("obligatorisk"):
            meeting["mandatory_topic_id"] = sent.text("obligatorisk")
        body = {"years": [int(day[:4])], "meetings": [meeting]}
        await web(request).services.post(
            "meetings", f"{_api(network_id)}/plan", sent.session.token, body, sent.key
        )
        return "Mødet er planlagt", f"/netvaerk/{network_id}/moeder?aar={day[:4]}"

    return await web(request).act(request, f"/netvaerk/{network_id}/moeder", work)


@router.get(MEETING)
async def meeting(request: Request, network_id: str, meeting_id: str) -> Response:
    session, services = signed_in(request), web(request).services
    path = f"{_api(network_id)}/meetings/{meeting_id}"
    found = await services.get("meetings", path, session.token)
    return web(request).page(request, "moede.html", session, network_id=network_id,
                             meeting_id=meeting_id, found=found)  # fmt: skip


@router.post(MEETING + "/flyt")
async def move(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> str:
        body = {"date": sent.date("dato") if sent.text("dato") else None,
                "starts": sent.optional("starter"), "ends": sent.optional("slutter"),
                "place": sent.optional("sted"), "reason": sent.optional("begrundelse")}  # fmt: skip
        path = f"{_api(network_id)}/meetings/{meeting_id}/reschedule"
        await web(request).services.post("meetings", path, sent.session.token, body, sent.key)
        return "Mødet er flyttet; send invitationen igen, så kalenderne opdateres"

    return await web(request).act(request, f"/netvaerk/{network_id}/moeder/{meeting_id}", work)


@router.post(MEETING + "/aflys")
async def cancel(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> str:
        path = f"{_api(network_id)}/meetings/{meeting_id}/cancel"
        body = {"reason": sent.text("begrundelse")}
        await web(request).services.post("meetings", path, sent.session.token, body, sent.key)
        return "Mødet er aflyst; send aflysningen (invitationen) til medlemmerne"

    return await web(request).act(request, f"/netvaerk/{network_id}/moeder/{meeting_id}", work)


@router.post(MEETING + "/afholdt")
async def held(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> tuple[str, str]:
        path = f"{_api(network_id)}/meetings/{meeting_id}/held"
        await web(request).services.post("meetings", path, sent.session.token, None, sent.key)
        return "Mødet er afholdt: deltagerlisten er åben", f"{here}/deltagere"

    here = f"/netvaerk/{network_id}/moeder/{meeting_id}"
    return await web(request).act(request, here, work)


@router.get("/netvaerk/{network_id}/moedeplan-{year}.ics")
async def plan_calendar(request: Request, network_id: str, year: int) -> Response:
    return await passed_on(request, "meetings", f"{_api(network_id)}/plan.ics", year=year)


@router.get(MEETING + "/invitation.ics")
async def invitation(request: Request, network_id: str, meeting_id: str) -> Response:
    path = f"{_api(network_id)}/meetings/{meeting_id}/invitation.ics"
    return await passed_on(request, "meetings", path)


@router.get(MEETING + "/deltagerliste.pdf")
async def sheet(request: Request, network_id: str, meeting_id: str) -> Response:
    path = f"{_api(network_id)}/meetings/{meeting_id}/attendance-sheet.pdf"
    return await passed_on(request, "meetings", path)
