"""A coordinator's network: the members on a date, the coordinator role and its history."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.pages.common import network_name, on_date
from kn_web.web import signed_in, web

router = APIRouter()


@router.get("/netvaerk/{network_id}")
async def network(request: Request, network_id: str, dato: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    day = on_date(dato)
    base = f"/v1/networks/{network_id}"
    members, holder, months, requests, name = await asyncio.gather(
        services.get("membership", f"{base}/members", session.token, on=day.isoformat()),
        services.get("membership", f"{base}/coordinator", session.token, on=day.isoformat()),
        services.get("membership", f"{base}/coordinator/months", session.token, year=day.year),
        services.get("membership", f"{base}/coordinator/requests", session.token),
        network_name(services, session, network_id),
    )
    names = {m["person_id"]: m["name"] for m in members["members"]}
    names |= {h["person_id"]: h["name"] for h in holder["holders"]}
    owners = sum(1 for m in members["members"] if m["role"] == "owner")
    return web(request).page(
        request, "netvaerk.html", session, network_id=network_id, name=name, day=day,
        members=members["members"], owners=owners, holder=holder, months=months,
        requests=requests["requests"], names=names,
    )  # fmt: skip
