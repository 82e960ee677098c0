"""Bounds on what a request or an event may carry, so nothing oversized gets in, and no CPR
number either.

A request body over the limit is refused with 413 before any handler reads it (by
Content-Length, or while it streams in); an event whose JSON would not fit the broker's
message size is refused at append, so the relay never meets it. A request holding a
CPR-shaped number in its JSON body, its query or a header (an Idempotency-Key and an
X-Correlation-Id become events' ids; every header may reach a log line) is refused with 422
naming where it is (Coordinator 8), before any handler, log line or event sees it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kn_contracts.cpr import CPR_REFUSED, cpr_in, looks_like_cpr, suspicious
from kn_contracts.cpr import RULE as CPR_RULE
from kn_servicekit.errors import KitError

_SECRET_HEADERS = {b"authorization", b"cookie"}  # tokens: never logged, never in an event

BODY_LIMIT = 256 * 1024  # bytes of a request body: a two-year plan of 8 meetings is ~10 KB
# Kafka's default message.max.bytes is 1 MiB (1,048,588) for key, value and headers
# together; an event's JSON stays under this, leaving room for its key and CloudEvents headers
EVENT_LIMIT = 1_000_000


class EventTooLarge(KitError):
    """An event's JSON exceeds what the broker takes (HTTP 413)."""

    def __init__(self, event_type: str, size: int) -> None:
        super().__init__(
            f"{event_type} would be {size:,} bytes; an event may be at most {EVENT_LIMIT:,} "
            "(Kafka's message limit): send less at a time"
        )


def check_event_size(event_type: str, payload: str) -> None:
    """Refuse an event that the broker would refuse."""
    size = len(payload.encode())
    if size > EVENT_LIMIT:
        raise EventTooLarge(event_type, size)


class BodyLimit:
    """ASGI middleware: a request body of more than `limit` bytes is answered 413."""

    def __init__(self, app: ASGIApp, limit: int = BODY_LIMIT) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._limit:
            await self._refuse(send, int(declared))
            return
        # read the body first (at most `limit` bytes are held), then hand it on: a handler
        # never starts on a body that turns out too large
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: let the app see it
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self._limit:
                await self._refuse(send, received)
                return
            if not message.get("more_body", False):
                break
        body, handed = b"".join(chunks), False
        where = cpr_in_request(scope, body)
        if where is not None:
            await _answer(send, 422, {"detail": f"{where}: {CPR_REFUSED}", "rule": CPR_RULE})
            return

        async def replay() -> Message:
            nonlocal handed
            if not handed:
                handed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._app(scope, replay, send)

    async def _refuse(self, send: Send, size: int) -> None:
        body: dict[str, Any] = {
            "detail": f"the request body is {size:,} bytes or more; the limit is "
            f"{self._limit:,} bytes: send less at a time",
            "rule": None,
        }
        await _answer(send, 413, body)


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": payload})


def cpr_in_request(scope: Scope, body: bytes) -> str | None:
    """Where a request holds a CPR-shaped number (`body.<field path>`, `path`, `query`,
    `header <name>`), or None."""
    for name, value in scope.get("headers", ()):
        if name not in _SECRET_HEADERS and looks_like_cpr(value.decode("latin-1")):
            return f"header {name.decode('latin-1')}"
    path: str = scope.get("path", "")
    if looks_like_cpr(unquote_plus(path)):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if query and looks_like_cpr(unquote_plus(query.decode("latin-1"))):
        return "query"
    if body and suspicious(body):
        try:
            data = json.loads(body)
        except ValueError:
            return "body" if looks_like_cpr(body.decode("utf-8", "replace")) else None
        found = cpr_in(data)
        return None if found is None else f"body.{found}" if found != "value" else "body"
    return None
