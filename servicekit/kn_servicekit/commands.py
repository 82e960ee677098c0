"""Running an HTTP command: its cause, one transaction, at most once per Idempotency-Key."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from kn_servicekit.access_log import correlated
from kn_servicekit.actors import Actor
from kn_servicekit.cause import Cause, copenhagen_date
from kn_servicekit.db import Connection
from kn_servicekit.eventstore import EventStore
from kn_servicekit.http import Resources
from kn_servicekit.idempotency import Answer, execute, fingerprint, fingerprint_body
from kn_servicekit.pgstore import PostgresEventStore

# What a route runs: a handler on the store (inside the command's transaction), as a cause.
Work = Callable[[EventStore, Cause], Awaitable[object]]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def command_ids(request: Request) -> tuple[str, str]:
    """(causation_id, correlation_id) of a command: its Idempotency-Key (or a new id), and
    the caller's X-Correlation-Id (or the causation id)."""
    causation = request.headers.get("Idempotency-Key") or f"request-{uuid.uuid4()}"
    return causation, request.headers.get("X-Correlation-Id") or causation


async def run_command(
    request: Request,
    actor: Actor,
    store: PostgresEventStore,
    payload: BaseModel | None,
    work: Work,
    *,
    status: int = 200,
    clock: Callable[[], dt.datetime] = utc_now,
) -> JSONResponse:
    """Run the handler in one transaction as the authenticated actor and answer what it
    returns as JSON; with an Idempotency-Key a repeat gets the first answer and appends
    nothing (the answer is stored with the events it appended). A refusal raises: the
    service's error map answers it (kn_servicekit.http). The events it appends carry the
    request's trace (kn_servicekit.access_log made its span current)."""
    cause = Cause(str(actor), *command_ids(request), copenhagen_date(clock()))
    resources: Resources = request.app.state.resources

    async def run(conn: Connection) -> Answer:
        result = await work(store.on(conn), cause)
        return Answer(status, to_jsonable_python(result))

    body = None if payload is None else fingerprint_body(payload)
    with correlated(cause.correlation_id):  # its log lines (and access line) name it
        answer = await execute(
            resources.pool,
            actor.scope,  # a network's coordinator role, whoever holds it: a repeat is one
            request.headers.get("Idempotency-Key"),
            fingerprint(request.method, request.url.path, body),
            run,
            resources.settings.idempotency_days,
        )
    return JSONResponse(answer.body, status_code=answer.status)
