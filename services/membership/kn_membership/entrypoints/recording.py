"""Running a command from HTTP: in one transaction, at most once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from kn_membership import handlers
from kn_membership.entrypoints import deps
from kn_servicekit.auth import Actor
from kn_servicekit.db import Connection
from kn_servicekit.idempotency import Answer, execute, fingerprint


async def record(
    request: Request, actor: Actor, decision: handlers.Decision, payload: Any
) -> JSONResponse:
    """Decide and append; answer 201 with what was recorded (the same answer on a repeat)."""

    async def run(conn: Connection) -> Answer:
        events = await handlers.handle(deps.store(request, conn), decision)
        return Answer(201, {"recorded": [event.event_name() for event in events]})

    answer = await execute(
        deps.resources(request).pool,
        str(actor),
        request.headers.get("Idempotency-Key"),
        fingerprint(request.method, request.url.path, payload),
        run,
    )
    return JSONResponse(answer.body, status_code=answer.status)
