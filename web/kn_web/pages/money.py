"""A network's money: invoices and their status, bookings, the pool used against each held
meeting's entitlement, and the coordinator fee so far (Pool payouts 3, 4, 7, 9)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web import danish
from kn_web.pages.common import year_of
from kn_web.pages.files import passed_on
from kn_web.services import ServiceError, Services
from kn_web.session import Session
from kn_web.web import Posted, signed_in, web

router = APIRouter()
PAGE = "/netvaerk/{network_id}/oekonomi"


@router.get(PAGE)
async def money(request: Request, network_id: str, aar: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    year, api = year_of(aar), f"/v1/networks/{network_id}"
    invoices, bookings, fee, plan = await asyncio.gather(
        services.get("finance", f"{api}/invoices", session.token),
        services.get("finance", f"{api}/bookings", session.token),
        services.get("finance", f"{api}/fee", session.token, year=year),
        services.get("meetings", f"{api}/years/{year}", session.token),
    )
    held = [m for m in plan["meetings"] if m["status"] == "held"]
    pool = await asyncio.gather(*(_entitlement(services, session, api, m) for m in held))
    of_year = [i for i in invoices["invoices"] if (i["meeting_date"] or "")[:4] == str(year)]
    others = [i for i in invoices["invoices"] if i not in of_year]
    return web(request).page(
        request, "oekonomi.html", session, network_id=network_id, year=year, invoices=of_year,
        other_invoices=others, bookings=bookings["bookings"], fee=fee, pool=pool,
        used=sum(p["approved"] or 0 for p in pool),
        entitled=sum(p["entitlement"] or 0 for p in pool),
    )  # fmt: skip


async def _entitlement(
    services: Services, session: Session, api: str, meeting: dict[str, Any]
) -> dict[str, Any]:
    """The meeting's entitlement and what its invoices used of it; none while its list or
    the year's rate table is missing (the reason says which)."""
    path = f"{api}/meetings/{meeting['meeting_id']}/entitlement"
    try:
        found: dict[str, Any] = await services.get("finance", path, session.token)
    except ServiceError as error:
        return {"meeting": meeting, "entitlement": None, "approved": None, "counted": None,
                "rate": None, "why": error.detail}  # fmt: skip
    return {"meeting": meeting, "why": None, **found}


@router.post(PAGE + "/bestillinger")
async def book(request: Request, network_id: str) -> Response:
    async def work(sent: Posted) -> str:
        kinds = [k for k in sent.form.getlist("udgift") if isinstance(k, str)]
        body = {"booking_id": f"b-{sent.key[:16]}", "meeting_date": sent.date("dato"),
                "cost_kinds": kinds, "supplier_name": sent.text("leverandoer"),
                "expected_amount": danish.ore(sent.text("beloeb")),
                "note": sent.optional("note")}  # fmt: skip
        path = f"/v1/networks/{network_id}/bookings"
        await web(request).services.post("finance", path, sent.session.token, body, sent.key)
        return "Bestillingen er meldt til EKM"

    back = f"/netvaerk/{network_id}/oekonomi"
    return await web(request).act(request, back, work)


@router.get("/netvaerk/{network_id}/honorar/{year}/{person_id}.pdf")
async def statement(request: Request, network_id: str, year: int, person_id: str) -> Response:
    path = f"/v1/networks/{network_id}/fee/{year}/statement/{person_id}.pdf"
    return await passed_on(request, "finance", path)
