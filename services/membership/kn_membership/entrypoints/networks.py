"""A network's members (coordinator, EKM, auditor); the attendance sheet is meetings'."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from kn_membership.domain import views
from kn_membership.entrypoints import deps
from kn_servicekit.access import may_read
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["networks"])
ANYONE = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]


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
