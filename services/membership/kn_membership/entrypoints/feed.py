"""EKM's view of the region feed: the changes the register contradicted, and settling them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from kn_membership import handlers
from kn_membership.domain import unresolved
from kn_membership.domain.model import Rejection
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import Cause
from kn_servicekit.commands import run_command
from kn_servicekit.eventstore import EventStore

router = APIRouter(prefix="/v1/feed", tags=["EKM"])
EKM = Annotated[Actor, Depends(require("ekm"))]
READER = Annotated[Actor, Depends(require("ekm", "auditor"))]
PAGE_MAX = 500


@router.get("/unresolved")
async def unresolved_changes(
    request: Request,
    _: READER,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX, description="rows per page")] = 50,
    after: Annotated[int, Query(ge=0, description="the last number of the page before")] = 0,
) -> dict[str, Any]:
    """Region changes the register contradicted, oldest first, each with the rule and why;
    each waits for EKM to redrive or dismiss it. Page on with `after` = the answer's `next`."""
    register = await deps.register(request)
    numbers = sorted(n for n in register.unresolved if n > after)
    page = numbers[:limit]
    return {
        "unresolved": [_row(register.unresolved[n]) for n in page],
        "next": page[-1] if len(numbers) > limit else None,
    }


@router.post("/unresolved/{number}/redrive")
async def redrive_change(number: int, request: Request, actor: EKM) -> JSONResponse:
    """Apply a rejected change on today's register (e.g. after EKM assigned its clinic);
    422 with the rule if it still contradicts the register."""
    cache = deps.registers(request)

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        recorded = await handlers.handle(
            store,
            lambda register: unresolved.redrive(register, number, deps.CATALOG.decode, cause),
            cache=cache,
        )
        return {"settled": number, "outcome": "applied", "recorded": _names(recorded)}

    return await run_command(request, actor, deps.store(request), None, work)


@router.post("/unresolved/{number}/dismiss")
async def dismiss_change(
    number: int, body: schemas.Dismiss, request: Request, actor: EKM
) -> JSONResponse:
    """Set a rejected change aside for good, with a note on how it was settled."""
    cache = deps.registers(request)

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        await handlers.handle(
            store,
            lambda register: unresolved.dismiss(register, number, body.note, cause),
            cache=cache,
        )
        return {"settled": number, "outcome": "dismissed", "note": body.note}

    return await run_command(request, actor, deps.store(request), body, work)


def _row(rejection: Rejection) -> dict[str, Any]:
    return {
        "number": rejection.number,
        "change_type": rejection.change_type,
        "change_key": rejection.change_key,
        "ydernummer": rejection.ydernummer,
        "effective_date": rejection.effective_date.isoformat(),
        "reported_on": rejection.reported_on.isoformat(),
        "rule": rejection.rule,
        "reason": rejection.reason,
        "change": rejection.change,
    }


def _names(events: list[Any]) -> list[str]:
    return [event.event_name() for event in events]
