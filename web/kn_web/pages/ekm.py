"""EKM's desk in membership: networks and clusters, the owners awaiting a network (one click
assigns), the region changes the register contradicted, and coordinators' reports waiting
(Membership 4, 5, 7; Coordinator 9)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.pages.common import on_date
from kn_web.web import Posted, signed_in, web

router = APIRouter()


@router.get("/ekm")
async def networks(request: Request) -> Response:
    session, services = signed_in(request), web(request).services
    clusters, found, pending = await asyncio.gather(
        services.get("membership", "/v1/clusters", session.token),
        services.get("membership", "/v1/networks", session.token),
        services.get("membership", "/v1/coordinator-requests", session.token),
    )
    by_cluster = {c["cluster_id"]: [n for n in found if n["cluster_id"] == c["cluster_id"]]
                  for c in clusters}  # fmt: skip
    return web(request).page(request, "ekm.html", session, clusters=clusters,
                             by_cluster=by_cluster, pending=pending["pending"],
                             networks=found)  # fmt: skip


@router.post("/ekm/netvaerk")
async def create_network(request: Request) -> Response:
    async def work(sent: Posted) -> str:
        body = {"network_id": sent.text("id"), "name": sent.text("navn"),
                "cluster_id": sent.text("klynge"),
                "effective_date": sent.date("dato") if sent.text("dato") else None}  # fmt: skip
        await web(request).services.post("membership", "/v1/networks", sent.session.token,
                                          body, sent.key)  # fmt: skip
        return f"Netværket {body['name']} er oprettet"

    return await web(request).act(request, "/ekm", work)


@router.post("/ekm/koordinator/{network_id}/{number}/{answer}")
async def settle_request(request: Request, network_id: str, number: int, answer: str) -> Response:
    async def work(sent: Posted) -> str:
        path = f"/v1/networks/{network_id}/coordinator/requests/{number}/"
        if answer == "bekraeft":
            await web(request).services.post("membership", path + "confirm",
                                              sent.session.token, None, sent.key)  # fmt: skip
            return "Indberetningen er bekræftet"
        body = {"reason": sent.text("begrundelse")}
        await web(request).services.post("membership", path + "reject", sent.session.token,
                                          body, sent.key)  # fmt: skip
        return "Indberetningen er afvist"

    return await web(request).act(request, "/ekm", work)


@router.get("/ekm/afventer")
async def awaiting(request: Request, dato: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    day = on_date(dato)
    waiting, found = await asyncio.gather(
        services.get("membership", "/v1/awaiting-assignment", session.token, on=day.isoformat()),
        services.get("membership", "/v1/networks", session.token),
    )
    return web(request).page(request, "afventer.html", session, day=day, waiting=waiting,
                             networks=found)  # fmt: skip


@router.post("/ekm/afventer")
async def assign(request: Request) -> Response:
    async def work(sent: Posted) -> str:
        network_id = sent.text("netvaerk")
        if not network_id:
            raise ValueError("Vælg det netværk, personen skal tildeles")
        body = {"person_id": sent.text("person"), "ydernummer": sent.text("ydernummer"),
                "effective_date": sent.date("dato"),
                "reason": sent.text("begrundelse") or "tildelt af EKM"}  # fmt: skip
        path = f"/v1/networks/{network_id}/members"
        await web(request).services.post("membership", path, sent.session.token, body, sent.key)
        return f"{sent.text('navn') or body['person_id']} er tildelt {network_id}"

    return await web(request).act(request, "/ekm/afventer", work)


@router.get("/ekm/regionen")
async def unresolved(request: Request, efter: int = 0) -> Response:
    session = signed_in(request)
    found = await web(request).services.get("membership", "/v1/feed/unresolved",
                                            session.token, limit=50, after=efter)  # fmt: skip
    return web(request).page(request, "regionen.html", session, found=found, after=efter)


@router.post("/ekm/regionen/{number}/{what}")
async def settle(request: Request, number: int, what: str) -> Response:
    async def work(sent: Posted) -> str:
        path = f"/v1/feed/unresolved/{number}/"
        if what == "igen":
            await web(request).services.post("membership", path + "redrive",
                                              sent.session.token, None, sent.key)  # fmt: skip
            return f"Ændring {number} er gennemført på registret, som det står i dag"
        body = {"note": sent.text("note")}
        await web(request).services.post("membership", path + "dismiss", sent.session.token,
                                          body, sent.key)  # fmt: skip
        return f"Ændring {number} er lagt til side med din note"

    return await web(request).act(request, "/ekm/regionen", work)
