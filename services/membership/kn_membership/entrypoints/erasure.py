"""EKM erases a person's personal data (issue 15): the key goes, the fact stays nameless."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kn_membership import handlers
from kn_membership.domain import erasure
from kn_membership.entrypoints import deps, schemas
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import Cause
from kn_servicekit.commands import run_command
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pgstore import PostgresEventStore

router = APIRouter(prefix="/v1", tags=["EKM"])
EKM = Annotated[Actor, Depends(require("ekm"))]


@router.post("/persons/{person_id}/erase", status_code=201)
async def erase_person(
    person_id: str, body: schemas.Erase, request: Request, actor: EKM
) -> JSONResponse:
    """Delete the person's key: every sealed name and note of theirs reads "[slettet]" in
    every service from now on (PersonErased, without the name; the key's tombstone goes to
    kn.membership.keys). A later join of the same person gets a new key."""
    cache = deps.registers(request)

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        assert isinstance(store, PostgresEventStore)  # deps.store: it holds the keys
        erased = await store.erase_subject(person_id)
        cache.forget()  # the cached fold holds the names opened before
        recorded = await handlers.handle(
            store,
            lambda register: erasure.decide(register, person_id, body.reason, len(erased), cause),
            cache=cache,
        )
        return {
            "recorded": [event.event_name() for event in recorded],
            "subject_id": person_id,
            "keys_erased": len(erased),
        }

    answer = await run_command(request, actor, deps.store(request), body, work, status=201)
    cache.forget()
    return answer
