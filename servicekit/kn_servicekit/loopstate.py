"""What a background loop says of itself now: working, or why not (for /ready).

A loop is handed its LoopState (an asyncio.Event, so a loop that only knows `set()` works
unchanged): it sets it once it works. The supervisor marks it failing when the loop crashes,
and a loop that retries or stops for a reason of its own says so with `failing(problem)`;
the next `set()` clears the problem. /ready answers 503 while any loop is not working,
naming each problem.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping


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


KAFKA_AWAY = (
    "Kafka {check}: nothing is published or consumed until it answers; commands wait in the "
    "outbox and every loop resumes by itself from where it stopped"
)


def report(states: Mapping[str, LoopState], kafka: str) -> tuple[dict[str, bool], dict[str, str]]:
    """Each loop's readiness now, and the problem of each that is not ready. Every loop needs
    Kafka, and a loop with nothing to do would not notice it gone (the relay of an idle
    service, a consumer between fetches): while `kafka` is not "ok", none is ready."""
    loops: dict[str, bool] = {}
    problems: dict[str, str] = {}
    for name, state in states.items():
        if not state.is_set():
            loops[name] = False
            if state.problem:
                problems[name] = state.problem
        elif kafka != "ok":
            loops[name] = False
            problems[name] = KAFKA_AWAY.format(check=kafka)
        else:
            loops[name] = True
    return loops, problems
