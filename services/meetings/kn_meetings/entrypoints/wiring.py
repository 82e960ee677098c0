"""What routes need at run time, and one way to run a command: idempotent, in a transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from kn_meetings.adapters.directory import PostgresMembershipDirectory
from kn_meetings.domain.commands import Context
from kn_meetings.domain.scheme import Scheme
from kn_servicekit.auth import Actor, require
from kn_servicekit.commands import command_ids, respond
from kn_servicekit.db import Connection
from kn_servicekit.eventstore import EventStore
from kn_servicekit.http import Resources
from kn_servicekit.idempotency import Answer
from kn_servicekit.pgstore import PostgresEventStore

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
EXTRA = "meetings"

Planner = Annotated[Actor, Depends(require("ekm", "coordinator"))]
Reader = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]
Work = Callable[[EventStore, Context], Awaitable[Any]]


@dataclass(frozen=True)
class Services:
    """The meetings service's adapters, chosen by the composition root."""

    store: PostgresEventStore
    directory: PostgresMembershipDirectory
    scheme: Scheme
    clock: Callable[[], dt.datetime]

    def today(self) -> dt.date:
        return self.clock().astimezone(COPENHAGEN).date()


def services(request: Request) -> Services:
    resources: Resources = request.app.state.resources
    found: Services = resources.extras[EXTRA]
    return found


Wired = Annotated[Services, Depends(services)]


async def execute(
    request: Request, actor: Actor, payload: BaseModel | None, work: Work, status: int = 200
) -> JSONResponse:
    """Run a command in one transaction; with an Idempotency-Key a repeat gets the first
    answer and appends nothing (the answer is stored with the events it appended)."""
    resources: Resources = request.app.state.resources
    wired = services(request)
    ctx = Context(str(actor), *command_ids(request), wired.today())

    async def run(conn: Connection) -> Answer:
        result = await work(wired.store.on(conn), ctx)
        return Answer(status, to_jsonable_python(result))

    body = None if payload is None else payload.model_dump(mode="json")
    return await respond(request, resources.pool, actor, body, run)
