"""The kit's pool: a plain release costs no reset round trip, and a session someone changed
is reset in full (or closed) before anyone borrows it again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest
from asyncpg.connection import LoggedQuery

from kn_deploy.layout import REPO_ROOT
from kn_servicekit.db import Connection, create_pool, session_of_its_own
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

RUNTIME = ["contracts", "servicekit", "rules", "services", "web"]
# statements and calls that change a session beyond its transaction
SESSION_CHANGES = re.compile(
    r"""["']\s*SET\s+(?!LOCAL\b)|\bLISTEN\b|add_listener\(|wait_to_lead\("""
    r"""|pg_(?:try_)?advisory_lock(?:_shared)?\(|set_config\(|\bTEMP(?:ORARY)?\s+TABLE\b"""
    r"""|\bWITH\s+HOLD\b""",  # SQL is written in capitals here
)


@pytest.fixture
async def one(database: str) -> AsyncIterator[asyncpg.Pool]:
    """The kit's pool with a single connection, so every borrower gets the same session."""
    pool = await create_pool(database, min_size=1, max_size=1)
    yield pool
    await pool.close()


async def test_a_plain_release_sends_no_reset_statement(one: asyncpg.Pool) -> None:
    sent: list[str] = []

    def logged(record: LoggedQuery) -> None:
        sent.append(record.query)

    async with one.acquire() as conn:
        conn.add_query_logger(logged)
        await conn.execute("SELECT 1")
    async with one.acquire() as conn:
        await conn.execute("SELECT 2")
        conn.remove_query_logger(logged)
    assert sent == ["SELECT 1", "SELECT 2"]


async def test_a_plain_release_still_rolls_back_a_transaction_left_open(
    one: asyncpg.Pool,
) -> None:
    async with one.acquire() as conn:
        await conn.execute("CREATE TABLE left_open (n int)")
        await conn.execute("BEGIN")
        await conn.execute("INSERT INTO left_open VALUES (1)")
    async with one.acquire() as conn:
        assert not conn.is_in_transaction()
        assert await conn.fetchval("SELECT count(*) FROM left_open") == 0


async def _session_of(conn: Connection) -> tuple[object, ...]:
    row = await conn.fetchrow(
        """SELECT current_setting('search_path'), current_setting('synchronous_commit'),
                  (SELECT count(*) FROM pg_listening_channels()),
                  (SELECT count(*) FROM pg_locks
                    WHERE locktype = 'advisory' AND pid = pg_backend_pid())"""
    )
    assert row is not None
    return tuple(row)


@pytest.fixture
async def fresh(one: asyncpg.Pool) -> tuple[object, ...]:
    """The pool's session as it was made, before any test changed it."""
    async with one.acquire() as conn:
        return await _session_of(conn)


async def test_a_changed_session_is_reset_in_full_before_the_next_borrower(
    one: asyncpg.Pool, fresh: tuple[object, ...]
) -> None:
    async with session_of_its_own(one) as conn:
        await conn.execute("SET search_path TO public")
        await conn.execute("SET synchronous_commit TO off")
        await conn.execute("LISTEN kn_test_channel")
        await conn.execute("SELECT pg_advisory_lock(7, 7)")
        assert await _session_of(conn) == ("public", "off", 1, 1)
    async with one.acquire() as conn:
        assert await _session_of(conn) == fresh
    assert fresh[1:] == ("on", 0, 0)


async def test_a_changed_session_left_in_a_failed_transaction_is_still_reset(
    one: asyncpg.Pool, fresh: tuple[object, ...]
) -> None:
    async with session_of_its_own(one) as conn:
        await conn.execute("SET search_path TO public")
        await conn.execute("BEGIN")
        with pytest.raises(asyncpg.DivisionByZeroError):
            await conn.execute("SELECT 1 / 0")
    async with one.acquire() as conn:
        assert not conn.is_in_transaction()
        assert await _session_of(conn) == fresh


async def test_a_changed_session_that_cannot_be_reset_is_closed_not_lent_again(
    one: asyncpg.Pool, database: str
) -> None:
    other = await asyncpg.connect(database)
    try:
        async with one.acquire() as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        failed = _ends_without_reset(one, other, pid)
        with pytest.raises(asyncpg.InterfaceError):
            await failed
        async with one.acquire() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") != pid
            assert await conn.fetchval("SELECT current_setting('search_path')") != "public"
    finally:
        await other.close()


async def _ends_without_reset(
    pool: asyncpg.Pool, other: asyncpg.Connection[asyncpg.Record], pid: int
) -> None:
    """Change the pool's one session, then lose its server before the reset."""
    async with session_of_its_own(pool) as conn:
        await conn.execute("SET search_path TO public")
        await other.execute("SELECT pg_terminate_backend($1)", pid)
        await eventually(_closed(conn), bool, what="the server to close the connection")


def _closed(conn: Connection) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return conn.is_closed()

    return probe


def test_every_session_change_in_the_runtime_borrows_a_session_of_its_own() -> None:
    changing = {
        path.relative_to(REPO_ROOT).as_posix()
        for package in RUNTIME
        for path in (REPO_ROOT / package).rglob("*.py")
        if SESSION_CHANGES.search(path.read_text())
    }
    assert changing == {
        "servicekit/kn_servicekit/db.py",  # where it is defined and described
        "servicekit/kn_servicekit/keys_topic.py",
        "servicekit/kn_servicekit/relay.py",
        "servicekit/kn_servicekit/runner.py",
    }
    for name in changing:
        assert "session_of_its_own(" in Path(REPO_ROOT / name).read_text(), name
