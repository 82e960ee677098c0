"""Keep a service's long-running loops (relay, projections) alive for its whole life."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog

from kn_servicekit.loopstate import say_failing

log = structlog.get_logger("supervisor")
HEALTHY_RUN = 60.0  # seconds


async def supervise(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    cap: float = 30.0,
    state: asyncio.Event | None = None,
) -> None:
    """Run `run` until cancelled; if it dies of a bug, log it and start it again with backoff.

    The loops retry their own transient failures; this is the last line against a crash
    that would otherwise leave a service answering /health while nothing moves.
    """
    delay = 0.5
    while True:
        started = time.monotonic()
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if time.monotonic() - started > HEALTHY_RUN:
                delay = 0.5  # it ran well for a while: this is a new failure, not the same one
            log.exception("background_task_crashed", task=name, restart_in=delay)
            if state is not None:
                say_failing(state, f"crashed ({type(exc).__name__}: {exc}); restarts in {delay}s")
            await asyncio.sleep(delay)
            delay = min(cap, delay * 2)
