"""Running an HTTP command: its causation ids, one transaction, at most once per key."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

from kn_servicekit.auth import Actor
from kn_servicekit.db import Connection
from kn_servicekit.idempotency import Answer, execute, fingerprint


def command_ids(request: Request) -> tuple[str, str]:
    """(causation_id, correlation_id) of a command: its Idempotency-Key (or a new id), and
    the caller's X-Correlation-Id (or the causation id)."""
    causation = request.headers.get("Idempotency-Key") or f"request-{uuid.uuid4()}"
    return causation, request.headers.get("X-Correlation-Id") or causation


async def respond(
    request: Request,
    pool: asyncpg.Pool,
    actor: Actor,
    payload: Any,
    run: Callable[[Connection], Awaitable[Answer]],
) -> JSONResponse:
    """Run the command in one transaction; with an Idempotency-Key a repeat gets the first
    answer and appends nothing (the answer is stored with the events it appended)."""
    answer = await execute(
        pool,
        str(actor),
        request.headers.get("Idempotency-Key"),
        fingerprint(request.method, request.url.path, payload),
        run,
    )
    return JSONResponse(answer.body, status_code=answer.status)
