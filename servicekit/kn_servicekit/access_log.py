"""Every HTTP request in its trace (kn_servicekit.trace), and one access line for it.

The caller's `traceparent` header is continued, or a new trace begun when it is missing or
invalid (never a refusal); the answer names the service's span in `traceresponse` (W3C
Trace Context Level 2), so a caller that sent none learns its trace id. The access line,
`http_request`, names the route's template (never the path: no network id, date or person
in it), the status and the time taken, and the command's correlation id once the command
runner knows it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kn_servicekit import trace

HEADER = b"traceparent"
RESPONSE_HEADER = b"traceresponse"
QUIET_ROUTES = frozenset({"/health", "/ready", "/metrics"})
LOGGER = "http"  # at INFO (a service's KN_LOG_LEVEL); probes and scrapes only at DEBUG
log = structlog.get_logger(LOGGER)


class _Noted:
    """What the request's handler tells the access line (a mutable slot the middleware
    reads back, whatever context the handler ran in)."""

    __slots__ = ("correlation_id",)

    def __init__(self) -> None:
        self.correlation_id: str | None = None


_noted: ContextVar[_Noted | None] = ContextVar("kn_request_noted", default=None)


@contextmanager
def correlated(correlation_id: str) -> Iterator[None]:
    """The command's correlation id in every log line meanwhile and in its access line."""
    noted = _noted.get()
    if noted is not None:
        noted.correlation_id = correlation_id
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
        yield


class TraceRequests:
    """ASGI middleware: each request runs in a span of its own, and is logged once."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        given = [value for name, value in scope["headers"] if name == HEADER]
        header = given[0] if len(given) == 1 else b"" if given else None  # two: invalid
        span = trace.child_of(header)
        invalid = header is not None and span.parent_id is None  # so a new trace began
        answer = span.traceparent.encode()
        started, status, noted = time.perf_counter(), 500, _Noted()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (RESPONSE_HEADER, answer)]
                message = {**message, "headers": headers}
            await send(message)

        with trace.active(span):
            token = _noted.set(noted)
            try:
                await self._app(scope, receive, sending)
            finally:
                _noted.reset(token)
                _access_line(scope, status, started, noted, invalid)


def _access_line(scope: Scope, status: int, started: float, noted: _Noted, invalid: bool) -> None:
    route = getattr(scope.get("route"), "path", None) or "unmatched"
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    if not logging.getLogger(LOGGER).isEnabledFor(level):
        return
    extra: dict[str, object] = {}
    if noted.correlation_id is not None:
        extra["correlation_id"] = noted.correlation_id
    if invalid:
        extra["traceparent_invalid"] = True  # the value itself is never logged
    log.log(
        level,
        "http_request",
        method=scope.get("method", "?"),
        route=route,
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        **extra,
    )
