"""Who holds a leader's session lock (the relay's, the keys publisher's)."""

from __future__ import annotations

import asyncpg


async def lock_holders(pool: asyncpg.Pool, lock: int, table: str) -> list[int]:
    """The backend pids holding the advisory lock (`lock`, `table`'s oid) of the schema the
    pool's connections see first."""
    rows = await pool.fetch(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid = $1::bigint::oid AND objid = $2::regclass::oid",
        lock,
        table,
    )
    return [row["pid"] for row in rows]
