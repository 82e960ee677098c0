"""Failures that pass: retried with backoff by the kit's loops, never skipped."""

from __future__ import annotations

import asyncio

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
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)
