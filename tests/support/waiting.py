"""Wait for eventual results by polling with a deadline, never a bare sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    within: float = 30.0,
    every: float = 0.05,
    what: str = "condition",
) -> T:
    """Call `probe` until `until(result)` holds; fail with the last result at the deadline."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {within}s; last: {result!r}")
        await asyncio.sleep(every)
