"""A network's members, its attendance sheet and its coordinator (coordinator, EKM, auditor)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from kn_membership.adapters.sheet import attendance_sheet
from kn_membership.domain import commands as cmd
from kn_membership.domain import coordinator, views
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.access import may_act, may_read
from kn_servicekit.auth import Actor, current_actor
from kn_servicekit.commands import run_command

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["networks"])
ANYONE = Annotated[Actor, Depends(current_actor)]


@router.get("/members")
async def members(
    network_id: str,
    request: Request,
    actor: ANYONE,
    on: Annotated[dt.date | None, Query(description="default: today")] = None,
    owners_only: bool = False,
) -> dict[str, Any]:
    """Who was a member on a date (clinic owners only, or renters too)."""
    may_read(str(actor), network_id)
    day = on or deps.today()
    register = await deps.register(request)
    found = views.members_on(register, network_id, day, owners_only)
    return {
        "network_id": network_id,
        "on": day.isoformat(),
        "members": [
            {
                "person_id": m.person_id,
                "name": m.name,
                "ydernummer": m.ydernummer,
                "clinic_id": m.clinic_id,
                "clinic_name": m.clinic_name,
                "role": m.role,
                "since": m.since.isoformat(),
            }
            for m in found
        ],
    }


@router.get("/attendance-sheet.pdf", response_class=Response)
async def sheet(
    network_id: str,
    request: Request,
    actor: ANYONE,
    meeting_date: dt.date,
    blank_rows: Annotated[int, Query(ge=0, le=60)] = 12,
) -> Response:
    """The attendance sheet to print for a meeting: members on its date, then blank rows."""
    may_read(str(actor), network_id)
    register = await deps.register(request)
    network = views.network(register, network_id)
    found = views.members_on(register, network_id, meeting_date)
    pdf = attendance_sheet(network.name, meeting_date, found, blank_rows)
    filename = f"deltagerliste-{network_id}-{meeting_date.isoformat()}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get("/coordinator")
async def holder(
    network_id: str, request: Request, actor: ANYONE, on: dt.date | None = None
) -> dict[str, Any]:
    """Who held the coordinator role on a date, and who was paid for it."""
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


@router.get("/coordinator/months")
async def months(network_id: str, request: Request, actor: ANYONE, year: int) -> dict[str, Any]:
    """Months served and months paid per person in a year (a month counts for whoever
    holds the role on its last day)."""
    may_read(str(actor), network_id)
    register = await deps.register(request)
    served, paid = views.months_served(register, network_id, year)
    changes = [
        {"from": s.start.isoformat(), "change": s.change, "holders": [p for p, _ in s.holders]}
        for s in register.spells.get(network_id, [])
        if s.start.year == year
    ]
    return {
        "network_id": network_id,
        "year": year,
        "served": served,
        "paid": paid,
        "changes": changes,
    }


@router.post("/coordinator/elect", status_code=201)
async def elect(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """The network elected its coordinator from a date."""
    may_act(str(actor), network_id)
    command = cmd.ElectCoordinator(network_id, body.person_id, body.effective_date)
    work = deps.recording(request, coordinator.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/coordinator/share", status_code=201)
async def share(
    network_id: str, body: schemas.Share, request: Request, actor: ANYONE
) -> JSONResponse:
    """Two members share the role from a date; one of them is paid."""
    may_act(str(actor), network_id)
    command = cmd.ShareCoordinatorRole(
        network_id, body.person_ids, body.payee_person_id, body.effective_date
    )
    work = deps.recording(request, coordinator.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/coordinator/change", status_code=201)
async def change(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """Another member takes over the role from a date."""
    may_act(str(actor), network_id)
    command = cmd.ChangeCoordinator(network_id, body.person_id, body.effective_date)
    work = deps.recording(request, coordinator.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)


@router.post("/coordinator/step-down", status_code=201)
async def step_down(
    network_id: str, body: schemas.Elect, request: Request, actor: ANYONE
) -> JSONResponse:
    """A holder leaves the role from a date."""
    may_act(str(actor), network_id)
    command = cmd.StepDownAsCoordinator(network_id, body.person_id, body.effective_date)
    work = deps.recording(request, coordinator.decide, command)
    return await run_command(request, actor, deps.store(request), body, work, status=201)
