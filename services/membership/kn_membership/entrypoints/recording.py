"""Running a command from HTTP: in one transaction, at most once per Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kn_contracts.base import Event
from kn_membership import handlers
from kn_membership.domain.cause import Cause
from kn_membership.domain.register import Register
from kn_membership.entrypoints import deps
from kn_servicekit.auth import Actor
from kn_servicekit.commands import respond
from kn_servicekit.db import Connection
from kn_servicekit.idempotency import Answer

Rules = Callable[[Any, Register, Cause], list[Event]]


async def record(
    request: Request, actor: Actor, rules: Rules, command: object, body: BaseModel
) -> JSONResponse:
    """Decide the command by the rules and append; answer 201 with what was recorded (the
    same answer on a repeat with the same Idempotency-Key)."""
    cause = deps.cause(request, actor)

    async def run(conn: Connection) -> Answer:
        decided = await handlers.handle(
            deps.store(request, conn), lambda register: rules(command, register, cause)
        )
        return Answer(201, {"recorded": [event.event_name() for event in decided]})

    return await respond(request, deps.resources(request).pool, actor, body.model_dump(), run)
