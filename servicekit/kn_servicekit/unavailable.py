"""A request that finds the database away (restarting, unreachable, full) is answered 503
with Retry-After and what to do, not 500 with a traceback: a client sends it again with
the same Idempotency-Key, and it is recorded once, whichever try reached the database."""

from __future__ import annotations

import asyncpg
import structlog
from fastapi import Request
from fastapi.responses import JSONResponse

from kn_servicekit.transient import left_mid_answer

log = structlog.get_logger("http")

RETRY_AFTER = 2  # seconds
DATABASE_AWAY: tuple[type[Exception], ...] = (
    ConnectionError,  # refused, reset: nothing listens, or the server went while we spoke
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    # the server went while a transaction was open: asyncpg says so with its generic
    # InterfaceError ("... the underlying connection is closed"); any other is a 500
    asyncpg.InterfaceError,
    # a pool connection whose protocol the server left mid-answer (seen once in the restart
    # test at the BEGIN after a restart: "cannot switch to state 15; another operation (2) is
    # in progress"); the pool's reset fails on it at release and terminates it
    asyncpg.InternalClientError,
)


async def database_away(request: Request, exc: Exception) -> JSONResponse:
    """503: the database did not answer this try."""
    if not went_away(exc):
        raise exc  # a misuse of a connection: the 500 it is
    log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
    detail = (
        f"the service's database does not answer now ({type(exc).__name__}); send the request "
        "again with the same Idempotency-Key in a moment: it is recorded once, whichever try "
        "reaches the database"
    )
    return JSONResponse(
        {"detail": detail, "rule": None},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def went_away(exc: Exception) -> bool:
    """Whether the error says the server went, not that code misused a connection."""
    if isinstance(exc, asyncpg.InterfaceError):
        return str(exc).endswith("the underlying connection is closed")
    if isinstance(exc, asyncpg.InternalClientError):
        return left_mid_answer(exc)
    return True
