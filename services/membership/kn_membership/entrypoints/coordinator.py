"""The coordinator role: who holds it, months served and paid, and recording it — EKM
records; a coordinator's report is a request EKM confirms or rejects (Coordinator 9)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kn_membership import handlers
from kn_membership.domain import commands as cmd
from kn_membership.domain import coordinator, requests, views
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.access import EKM as EKM_ROLE
from kn_servicekit.access import may_act, may_read
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import Cause
from kn_servicekit.commands import run_command
from kn_servicekit.eventstore import EventStore
from kn_servicekit.params import YearInQuery

router = APIRouter(prefix="/v1", tags=["coordinator"])
ANYONE = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]
EKM = Annotated[Actor, Depends(require("ekm"))]
READER = Annotated[Actor, Depends(require("ekm", "auditor"))]
ROLE = "/networks/{network_id}/coordinator"


@router.get(ROLE)
async def holder(
    network_id: str, request: Request, actor: ANYONE, on: dt.date | None = None
) -> dict[str, Any]:
    """Who held the coordinator role on a date (confirmed acts only), and who was paid."""
    may_read(str(actor), network_id)
    day = on or deps.today()
    register = await deps.register(request)
    views.network(register, network_id)
    spell = views.coordinator(register, network_id, day)
    return {
        "network_id": network_id,
        "on": day.isoformat(),
        "holders": [{"person_id": p, "name": n} for p, n in (spell.holders if spell else ())],
        "payee_person_id": spell.payee if spell else None,
        "since": spell.start.isoformat() if spell else None,
    }


@router.get(ROLE + "/months")
async def months(
    network_id: str,
    request: Request,
    actor: ANYONE,
    year: YearInQuery,
    as_of: Annotated[dt.date | None, Query(description="only months ended by then")] = None,
) -> dict[str, Any]:
    """Months served and paid per person in a year, as of a date: a month counts for whoever
    holds the role on its last day and is paid to whoever is the payee then (Coordinator 3, 5)."""
    may_read(str(actor), network_id)
    register = await deps.register(request)
    views.network(register, network_id)
    history = register.role(network_id)
    counted = history.months(year, as_of)
    return {
        "network_id": network_id,
        "year": year,
        "as_of": as_of.isoformat() if as_of else None,
        "served": counted.served,
        "paid": counted.paid,
        "changes": [
            {"from": s.start.isoformat(), "change": s.change, "holders": [p for p, _ in s.holders],
             "payee_person_id": s.payee}
            for s in history.spells
            if s.start.year == year
        ],
    }  # fmt: skip


async def _act(
    request: Request, actor: Actor, command: cmd.CoordinatorAct, body: BaseModel
) -> JSONResponse:
    """EKM records the act (201); the network's coordinator requests it (202)."""
    may_act(str(actor), command.network_id)
    if str(actor) == EKM_ROLE:
        work = deps.recording(request, coordinator.decide, command)
        return await run_command(request, actor, deps.store(request), body, work, status=201)
    cache = deps.registers(request)

    async def ask(store: EventStore, cause: Cause) -> dict[str, Any]:
        recorded = await handlers.handle(
            store, lambda register: requests.request(command, register, cause), cache=cache
        )
        numbers = [getattr(e, "request", None) for e in recorded]
        return {"recorded": [e.event_name() for e in recorded], "request": numbers[0]}

    return await run_command(request, actor, deps.store(request), body, ask, status=202)


REQUESTED: dict[int | str, dict[str, Any]] = {
    202: {"description": "A coordinator's request: it counts once EKM confirms it."}
}


@router.post(ROLE + "/elect", status_code=201, responses=REQUESTED)
async def elect(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """The network elected its coordinator from a date."""
    command = cmd.ElectCoordinator(network_id, body.person_id, body.effective_date)
    return await _act(request, actor, command, body)


@router.post(ROLE + "/share", status_code=201, responses=REQUESTED)
async def share(
    network_id: str, body: schemas.Share, request: Request, actor: ANYONE
) -> JSONResponse:
    """Two members share the role from a date; one of them is paid (again with the same two
    and another payee: the payee changes from that date)."""
    command = cmd.ShareCoordinatorRole(
        network_id, body.person_ids, body.payee_person_id, body.effective_date
    )
    return await _act(request, actor, command, body)


@router.post(ROLE + "/change", status_code=201, responses=REQUESTED)
async def change(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """Another member takes over the role from a date."""
    command = cmd.ChangeCoordinator(network_id, body.person_id, body.effective_date)
    return await _act(request, actor, command, body)


@router.post(ROLE + "/step-down", status_code=201, responses=REQUESTED)
async def step_down(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """A holder leaves the role from a date."""
    command = cmd.StepDownAsCoordinator(network_id, body.person_id, body.effective_date)
    return await _act(request, actor, command, body)


@router.post(ROLE + "/restate", status_code=201)
async def restate(
    network_id: str, body: schemas.Restate, request: Request, actor: EKM
) -> JSONResponse:
    """EKM corrects the history: every spell from the date on is replaced (Coordinator 7)."""
    spells = tuple(cmd.StatedSpell(s.start, s.person_ids, s.payee_person_id) for s in body.spells)
    command = cmd.RestateCoordinatorSpells(network_id, body.effective_date, spells, body.reason)
    work = deps.recording(request, coordinator.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)
