"""Coordinator 9's list for EKM: the coordinators' requests, confirmed or rejected by EKM."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kn_membership import handlers
from kn_membership.domain import requests, views
from kn_membership.domain.model import Request as ActRequest
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.access import may_read
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import Cause
from kn_servicekit.commands import run_command
from kn_servicekit.eventstore import EventStore

router = APIRouter(prefix="/v1", tags=["coordinator"])
ANYONE = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]
EKM = Annotated[Actor, Depends(require("ekm"))]
READER = Annotated[Actor, Depends(require("ekm", "auditor"))]
ROLE = "/networks/{network_id}/coordinator"


@router.get(ROLE + "/requests")
async def network_requests(network_id: str, request: Request, actor: ANYONE) -> dict[str, Any]:
    """The network's coordinator requests, each pending, confirmed or rejected (with why)."""
    may_read(str(actor), network_id)
    register = await deps.register(request)
    views.network(register, network_id)
    found = register.requests.get(network_id, {}).values()
    return {"network_id": network_id, "requests": [_row(r) for r in found]}


@router.get("/coordinator-requests")
async def pending_requests(request: Request, _: READER) -> dict[str, Any]:
    """Every network's pending coordinator requests, oldest first: EKM confirms or rejects."""
    register = await deps.register(request)
    return {"pending": [_row(r) for r in requests.waiting(register)]}


@router.post(ROLE + "/requests/{number}/confirm", status_code=201)
async def confirm(network_id: str, number: int, request: Request, actor: EKM) -> JSONResponse:
    """EKM confirms a request: the act is recorded from the reported date."""
    cache = deps.registers(request)

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        recorded = await handlers.handle(
            store,
            lambda register: requests.confirm(register, network_id, number, cause),
            cache=cache,
        )
        return {"confirmed": number, "recorded": [e.event_name() for e in recorded]}

    return await run_command(request, actor, deps.store(request), None, work, status=201)


@router.post(ROLE + "/requests/{number}/reject", status_code=201)
async def reject(
    network_id: str, number: int, body: schemas.Reject, request: Request, actor: EKM
) -> JSONResponse:
    """EKM turns a request down with a reason; nothing counts for the role or the fee."""
    cache = deps.registers(request)

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        await handlers.handle(
            store,
            lambda register: requests.reject(register, network_id, number, body.reason, cause),
            cache=cache,
        )
        return {"rejected": number, "reason": body.reason}

    return await run_command(request, actor, deps.store(request), body, work, status=201)


def _row(found: ActRequest) -> dict[str, Any]:
    return {
        "network_id": found.network_id,
        "request": found.number,
        "act": found.act,
        "person_ids": list(found.person_ids),
        "payee_person_id": found.payee_person_id,
        "effective_date": found.effective_date.isoformat(),
        "requested_by": found.requested_by,
        "status": found.status,
        "reason": found.reason,
    }
