"""Failures that pass: retried with backoff by the kit's loops, never skipped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
from aiokafka.errors import KafkaError
from asyncpg.exceptions import _base as asyncpg_base

from kn_servicekit.errors import ConcurrencyError, TransientError

TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConcurrencyError,  # a command consumer lost a race with another writer: decide again
    KafkaError,
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # only when the server left it mid-answer: `passes`
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


LEFT_MID_ANSWER = "cannot switch to state"


def left_mid_answer(exc: BaseException) -> bool:
    """Whether asyncpg says a connection's protocol was left mid-answer, as a PostgreSQL
    restart leaves a pool connection ("cannot switch to state 15; another operation (2) is
    in progress"); its InternalClientError says the same for a misuse in other words."""
    return isinstance(exc, asyncpg.InternalClientError) and str(exc).startswith(LEFT_MID_ANSWER)


def passes(exc: BaseException) -> bool:
    """Whether a failure passes, so a loop retries it (TRANSIENT), told by the message
    where asyncpg's class says too little: an InternalClientError only when the server left
    the connection mid-answer, and never asyncpg's own DataError (an InterfaceError for
    query input it cannot encode, which fails the same way every time)."""
    if not isinstance(exc, TRANSIENT):
        return False
    if isinstance(exc, asyncpg.InternalClientError):
        return left_mid_answer(exc)
    return not isinstance(exc, asyncpg_base.DataError)


@dataclass
class Backoff:
    """Exponential delays between retries: 0.1 s doubling to 5 s, reset after a success."""

    first: float = 0.1
    cap: float = 5.0
    current: float = 0.0

    def next(self) -> float:
        self.current = min(self.cap, self.current * 2 if self.current else self.first)
        return self.current

    def reset(self) -> None:
        self.current = 0.0
