"""EKM's endpoints: clusters, networks, members by hand, the waiting list, person history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from kn_membership.domain import commands as cmd
from kn_membership.domain import manual, views
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.commands import run_command

router = APIRouter(prefix="/v1", tags=["EKM"])
EKM = Annotated[Actor, Depends(require("ekm"))]
READER = Annotated[Actor, Depends(require("ekm", "auditor"))]


@router.post("/clusters", status_code=201)
async def add_cluster(body: schemas.AddCluster, request: Request, actor: EKM) -> JSONResponse:
    """Add a health cluster networks can belong to."""
    command = cmd.AddCluster(body.cluster_id, body.name, body.effective_date or deps.today())
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.patch("/clusters/{cluster_id}")
async def rename_cluster(
    cluster_id: str, body: schemas.RenameCluster, request: Request, actor: EKM
) -> JSONResponse:
    """Rename a health cluster."""
    command = cmd.RenameCluster(cluster_id, body.name, body.effective_date or deps.today())
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/clusters/{cluster_id}/retire")
async def retire_cluster(
    cluster_id: str, body: schemas.Dated, request: Request, actor: EKM
) -> JSONResponse:
    """Retire a health cluster: it takes no new networks."""
    command = cmd.RetireCluster(cluster_id, body.effective_date or deps.today())
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/clusters")
async def clusters(
    request: Request, _: Annotated[Actor, Depends(require("ekm", "auditor", "coordinator"))]
) -> list[dict[str, Any]]:
    """Every health cluster, retired ones marked."""
    register = await deps.register(request)
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
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/networks")
async def networks(request: Request, _: READER) -> list[dict[str, Any]]:
    """Every network with its cluster."""
    register = await deps.register(request)
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
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/members/{person_id}/move", status_code=201)
async def move_member(
    person_id: str, body: schemas.MoveMember, request: Request, actor: EKM
) -> JSONResponse:
    """Move a member to another network from a date."""
    command = cmd.MoveMember(
        person_id, body.ydernummer, body.to_network_id, body.effective_date, body.reason
    )
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/members/{person_id}/remove", status_code=201)
async def remove_member(
    person_id: str, body: schemas.RemoveMember, request: Request, actor: EKM
) -> JSONResponse:
    """End a membership from a date (the holder then shows on the waiting list)."""
    command = cmd.RemoveMember(person_id, body.ydernummer, body.effective_date, body.reason)
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/members/{person_id}/end-holding", status_code=201)
async def end_holding(
    person_id: str, body: schemas.EndHolding, request: Request, actor: EKM
) -> JSONResponse:
    """End a person's holding of a ydernummer from a date (Membership 11): a membership
    through it ends too, and they leave the waiting list."""
    command = cmd.EndHolding(person_id, body.ydernummer, body.effective_date, body.reason)
    work = deps.recording(request, manual.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.get("/awaiting-assignment")
async def awaiting(
    request: Request, _: READER, on: Annotated[dt.date | None, Query()] = None
) -> list[dict[str, Any]]:
    """Holders of a ydernummer with no network on the date: EKM assigns them."""
    register = await deps.register(request)
    return [
        {
            "person_id": h.person_id,
            "name": h.name,
            "ydernummer": h.ydernummer,
            "clinic_id": h.clinic_id,
            "clinic_name": h.clinic_name,
            "role": h.role,
            "since": h.start.isoformat(),
            "note": h.note,
        }
        for h in views.awaiting(register, on or deps.today())
    ]


@router.get("/persons/{person_id}/history")
async def person_history(person_id: str, request: Request, _: READER) -> dict[str, Any]:
    """A person's ydernumre, memberships and coordinator spells over time."""
    register = await deps.register(request)
    return {"person_id": person_id, **views.history(register, person_id)}
