"""EKM erases a person written in on a list (issue 15): meetings owns their key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.base import Event
from kn_contracts.events.meetings import SubjectErased
from kn_meetings.domain.errors import NotFound
from kn_meetings.entrypoints.wiring import Wired
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import Cause
from kn_servicekit.commands import run_command
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.pipeline import Aggregate, decide_and_append

router = APIRouter(tags=["EKM"])
EKM = Annotated[Actor, Depends(require("ekm"))]
ERASURE = "Issue 15: a person's data is erased by deleting their key"


class Erase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reason: str = Field(min_length=3, max_length=500, description="Why; write no name.")


def _counted(erasures: int, _: Event) -> int:
    return erasures + 1


@router.post("/subjects/{subject_id}/erase", status_code=201)
async def erase_subject(
    subject_id: str, body: Erase, request: Request, actor: EKM, wired: Wired
) -> JSONResponse:
    """Delete the key of a person written in on a list (the line's `subject_id`): their
    name and clinic read "[slettet]" everywhere from now on (SubjectErased, no name)."""

    async def work(store: EventStore, cause: Cause) -> dict[str, Any]:
        assert isinstance(store, PostgresEventStore)  # the service's store: it holds the keys
        erased = await store.erase_subject(subject_id)
        if not erased:
            raise NotFound(
                ERASURE,
                f"meetings holds no key of {subject_id}: give the subject_id of a line "
                "written in by hand (a member is erased at membership), or it was erased",
            )

        def decide(_: int) -> list[Event]:
            return [SubjectErased(**cause.stamp(cause.today), subject_id=subject_id,
                                  reason=body.reason, keys_erased=len(erased))]  # fmt: skip

        stream = Aggregate(f"erasure-{subject_id}", lambda: 0, _counted, key="erasures")
        decided = await decide_and_append(store, stream, decide)
        return {"recorded": [e.event_name() for e in decided.events],
                "subject_id": subject_id, "keys_erased": len(erased)}  # fmt: skip

    return await run_command(request, actor, wired.store, body, work, status=201)
