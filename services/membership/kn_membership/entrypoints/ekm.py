"""EKM's endpoints: clusters, networks, members by hand, the waiting list, the feed's rejects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse

from kn_contracts.topics import REGION_YDERNUMMER
from kn_membership import handlers
from kn_membership.domain import commands as cmd
from kn_membership.domain import manual, views
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.auth import Actor, require
from kn_servicekit.commands import run_command
from kn_servicekit.deadletter_inbox import dismiss, latest_pending, read_letters, redrive

router = APIRouter(prefix="/v1", tags=["EKM"])
EKM = Annotated[Actor, Depends(require("ekm"))]
READER = Annotated[Actor, Depends(require("ekm", "auditor"))]


@router.post("/clusters", status_code=201)
async def add_cluster(body: schemas.AddCluster, request: Request, actor: EKM) -> JSONResponse:
    """Add a health cluster networks can belong to."""
    command = cmd.AddCluster(body.cluster_id, body.name, body.effective_date or deps.today())
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.patch("/clusters/{cluster_id}")
async def rename_cluster(
    cluster_id: str, body: schemas.RenameCluster, request: Request, actor: EKM
) -> JSONResponse:
    """Rename a health cluster."""
    command = cmd.RenameCluster(cluster_id, body.name, body.effective_date or deps.today())
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/clusters/{cluster_id}/retire")
async def retire_cluster(
    cluster_id: str, body: schemas.Dated, request: Request, actor: EKM
) -> JSONResponse:
    """Retire a health cluster: it takes no new networks."""
    command = cmd.RetireCluster(cluster_id, body.effective_date or deps.today())
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/clusters")
async def clusters(
    request: Request, _: Annotated[Actor, Depends(require("ekm", "auditor", "coordinator"))]
) -> list[dict[str, Any]]:
    """Every health cluster, retired ones marked."""
    register = await handlers.register(deps.store(request))
    return [
        {"cluster_id": cluster_id, "name": name, "retired": retired}
        for cluster_id, (name, retired) in sorted(register.clusters.items())
    ]


@router.post("/networks", status_code=201)
async def create_network(body: schemas.CreateNetwork, request: Request, actor: EKM) -> JSONResponse:
    """Create a quality network in a health cluster."""
    command = cmd.CreateNetwork(
        body.network_id, body.name, body.cluster_id, body.effective_date or deps.today()
    )
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/networks")
async def networks(request: Request, _: READER) -> list[dict[str, Any]]:
    """Every network with its cluster."""
    register = await handlers.register(deps.store(request))
    return [
        {"network_id": n.network_id, "name": n.name, "cluster_id": n.cluster_id}
        for n in sorted(register.networks.values(), key=lambda n: n.network_id)
    ]


@router.post("/networks/{network_id}/members", status_code=201)
async def assign_member(
    network_id: str, body: schemas.AssignMember, request: Request, actor: EKM
) -> JSONResponse:
    """Assign a therapist to a network (from the waiting list, or by hand with details)."""
    holder = None
    if body.name and body.clinic_id and body.clinic_name and body.role:
        holder = cmd.NewHolder(body.name, body.clinic_id, body.clinic_name, body.role)
    command = cmd.AssignMember(
        network_id, body.person_id, body.ydernummer, body.effective_date, body.reason, holder
    )
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/members/{person_id}/move", status_code=201)
async def move_member(
    person_id: str, body: schemas.MoveMember, request: Request, actor: EKM
) -> JSONResponse:
    """Move a member to another network from a date."""
    command = cmd.MoveMember(
        person_id, body.ydernummer, body.to_network_id, body.effective_date, body.reason
    )
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/members/{person_id}/remove", status_code=201)
async def remove_member(
    person_id: str, body: schemas.RemoveMember, request: Request, actor: EKM
) -> JSONResponse:
    """End a membership from a date (the holder then shows on the waiting list)."""
    command = cmd.RemoveMember(person_id, body.ydernummer, body.effective_date, body.reason)
    work = deps.recording(manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/awaiting-assignment")
async def awaiting(
    request: Request, _: READER, on: Annotated[dt.date | None, Query()] = None
) -> list[dict[str, Any]]:
    """Holders of a ydernummer with no network on the date: EKM assigns them."""
    register = await handlers.register(deps.store(request))
    return [
        {
            "person_id": h.person_id,
            "name": h.name,
            "ydernummer": h.ydernummer,
            "clinic_id": h.clinic_id,
            "clinic_name": h.clinic_name,
            "role": h.role,
            "since": h.start.isoformat(),
        }
        for h in views.awaiting(register, on or deps.today())
    ]


@router.get("/feed/unresolved")
async def unresolved(request: Request, _: READER) -> list[dict[str, Any]]:
    """Region messages membership could not apply, with why; each waits for EKM."""
    running = deps.resources(request)
    topic = running.settings.topic(REGION_YDERNUMMER)
    return [
        {
            "dlq_offset": d.dlq_offset,
            "reason": d.letter.reason,
            "at": d.at,
            "type": dict(d.letter.headers).get("ce_type", b"").decode(errors="replace"),
            "id": dict(d.letter.headers).get("ce_id", b"").decode(errors="replace"),
            "message": (d.letter.value or b"").decode(errors="replace"),
        }
        for d in latest_pending(await read_letters(running.settings.kafka_bootstrap, topic))
    ]


@router.post("/feed/unresolved/{dlq_offset}/redrive")
async def redrive_message(dlq_offset: int, request: Request, actor: EKM) -> dict[str, Any]:
    """Apply a rejected message again, once the register allows it (e.g. after assigning)."""
    running = deps.resources(request)
    topic = running.settings.topic(REGION_YDERNUMMER)
    letter = await _pending(running.settings.kafka_bootstrap, topic, dlq_offset)
    await redrive(running.producer, topic, [letter])
    return {"redriven": dlq_offset, "by": str(actor)}


@router.post("/feed/unresolved/{dlq_offset}/dismiss")
async def dismiss_message(
    dlq_offset: int, body: schemas.Dismiss, request: Request, actor: EKM
) -> dict[str, Any]:
    """Set a rejected message aside with a note on how it was settled."""
    running = deps.resources(request)
    topic = running.settings.topic(REGION_YDERNUMMER)
    letter = await _pending(running.settings.kafka_bootstrap, topic, dlq_offset)
    await dismiss(running.producer, topic, letter, str(actor), body.note)
    return {"dismissed": dlq_offset, "by": str(actor)}


async def _pending(bootstrap: str, topic: str, dlq_offset: int) -> Any:
    for letter in latest_pending(await read_letters(bootstrap, topic)):
        if letter.dlq_offset == dlq_offset:
            return letter
    raise HTTPException(status.HTTP_404_NOT_FOUND, f"no unresolved message at {dlq_offset}")


@router.get("/persons/{person_id}/history")
async def person_history(person_id: str, request: Request, _: READER) -> dict[str, Any]:
    """A person's ydernumre, memberships and coordinator spells over time."""
    register = await handlers.register(deps.store(request))
    return {"person_id": person_id, **views.history(register, person_id)}
