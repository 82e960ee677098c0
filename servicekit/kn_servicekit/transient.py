"""Failures that pass: retried with backoff by the kit's loops, never skipped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
from aiokafka.errors import KafkaError

from kn_servicekit.errors import ConcurrencyError, TransientError

TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConcurrencyError,  # a command consumer lost a race with another writer: decide again
    KafkaError,
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a protocol left mid-answer by a server that went
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


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
