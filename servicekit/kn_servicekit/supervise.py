"""Keep a service's long-running loops (relay, projections) alive for its whole life."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger("supervisor")


async def supervise(name: str, run: Callable[[], Awaitable[None]], *, cap: float = 30.0) -> None:
    """Run `run` until cancelled; if it dies of a bug, log it and start it again with backoff.

    The loops retry their own transient failures; this is the last line against a crash
    that would otherwise leave a service answering /health while nothing moves.
    """
    delay = 0.5
    while True:
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background_task_crashed", task=name, restart_in=delay)
            await asyncio.sleep(delay)
            delay = min(cap, delay * 2)
