"""A network's members and its attendance sheet (coordinator, EKM, auditor)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kn_membership.adapters.sheet import attendance_sheet
from kn_membership.domain import views
from kn_membership.entrypoints import deps
from kn_servicekit.access import may_read
from kn_servicekit.auth import Actor, current_actor

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
