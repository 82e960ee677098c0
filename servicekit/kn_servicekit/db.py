"""Database types and the connection pool shared by the kit's adapters."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A plain connection or one borrowed from a pool: both run the same queries.
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"


async def create_pool(database_url: str, *, min_size: int, max_size: int) -> asyncpg.Pool:
    """A pool whose released connections are reset only as far as the kit's use needs: an
    open transaction rolled back and Python-side listeners dropped (asyncpg does both before
    any reset), but no reset statement. asyncpg's default sends one more round trip
    (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) on every release: measured, 5.2 of them
    per command at 40 commands/s. Whoever changes a session (SET, LISTEN, a session advisory
    lock) borrows it with `session_of_its_own`, which resets it fully before handing it back;
    tests/servicekit/test_db.py holds every such statement in the runtime to that."""
    pool = await asyncpg.create_pool(
        database_url, min_size=min_size, max_size=max_size, reset=_nothing_left_to_reset
    )
    assert pool is not None  # asyncpg's stub allows None for a pool made without await
    return pool


async def _nothing_left_to_reset(_: asyncpg.Connection[Any]) -> None:
    """Released plain: transactions are rolled back by asyncpg itself, and no session state
    was changed (`session_of_its_own` would have reset it)."""


@asynccontextmanager
async def session_of_its_own(pool: asyncpg.Pool) -> AsyncIterator[Connection]:
    """A pooled connection whose session the caller changes (SET, LISTEN, a session advisory
    lock), fully reset before the pool lends it again; closed instead if that fails, so no
    next borrower ever runs in a changed session."""
    async with pool.acquire() as conn:
        try:
            yield conn
        finally:
            try:
                # ROLLBACK always, not only when asyncpg believes a transaction is open: a
                # BEGIN cancelled on the wire may have started one it has not heard of, and
                # a reset inside it would be undone by the pool's own rollback
                await conn.execute("ROLLBACK")
                await conn.execute(conn.get_reset_query())
                if conn.is_in_transaction():
                    raise RuntimeError("the session is still in a transaction after its reset")
            except BaseException:
                # a connection the server dropped is already out of the pool (its proxy
                # says so); any other is closed here
                with contextlib.suppress(asyncpg.InterfaceError):
                    conn.terminate()
                raise


async def wait_to_lead(
    conn: Connection, lock: int, table_key: str, every: float, waiting: Callable[[], None]
) -> None:
    """Return once `conn`'s session holds the advisory lock (`lock`, `table_key`), asking
    every `every` seconds and calling `waiting` each time it is another's: one replica leads
    (the relay, the keys publisher), the others stand by. Borrow `conn` with
    `session_of_its_own`, so the lock goes with its session."""
    while not await conn.fetchval(f"SELECT pg_try_advisory_lock($1, {table_key})", lock):
        waiting()
        await asyncio.sleep(every)


def check_lead(conn: Connection) -> None:
    """Raise (ConnectionError, or asyncpg's InterfaceError once the pool took the dropped
    connection back) if the session holding a leader's lock has ended, and the lock with
    it: the loop must stop and be elected again, not go on beside a new leader. No round
    trip: asyncpg knows when the server closed the connection."""
    if conn.is_closed():
        raise ConnectionError("the leader's session ended, and its lock with it")
