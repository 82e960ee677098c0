"""What a background loop says of itself now: working, or why not (for /ready).

A loop is handed its LoopState (an asyncio.Event, so a loop that only knows `set()` works
unchanged): it sets it once it works. The supervisor marks it failing when the loop crashes,
and a loop that retries or stops for a reason of its own says so with `failing(problem)`;
the next `set()` clears the problem. /ready answers 503 while any loop is not working,
naming each problem.
"""

from __future__ import annotations

import asyncio


class LoopState(asyncio.Event):
    """Set while the loop works; `problem` says why not when it does not."""

    def __init__(self) -> None:
        super().__init__()
        self.problem: str | None = "starting"

    def set(self) -> None:
        self.problem = None
        super().set()

    def failing(self, problem: str) -> None:
        """The loop does not work now, and this is why (and, where it can, what to do)."""
        self.problem = problem
        self.clear()


def say_failing(ready: asyncio.Event, problem: str) -> None:
    """Mark `ready` failing with a problem (a plain Event can only be cleared)."""
    if isinstance(ready, LoopState):
        ready.failing(problem)
    else:
        ready.clear()
