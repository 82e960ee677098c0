"""Rebuild a projection from offset 0 into a fresh schema, and switch readers over to it."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable

import asyncpg
import structlog

from kn_servicekit.errors import Superseded
from kn_servicekit.runner import ProjectionRunner

log = structlog.get_logger("projection")

LIVE_TABLE = """
CREATE TABLE IF NOT EXISTS kn_projection_live (
    projection   text PRIMARY KEY,
    schema_name  text NOT NULL,
    switched_at  timestamptz NOT NULL DEFAULT now()
)
"""


async def live_schema(pool: asyncpg.Pool, projection: str) -> str:
    """The schema readers use for `projection` (a new one if it never ran here)."""
    async with pool.acquire() as conn:
        await conn.execute(LIVE_TABLE)
        # schema names are database-wide: a random suffix keeps two deployments sharing a
        # database (trials, tests) apart, where the pointer table is in each one's own schema
        await conn.execute(
            """INSERT INTO kn_projection_live (projection, schema_name) VALUES ($1, $2)
               ON CONFLICT (projection) DO NOTHING""",
            projection,
            f"{projection}_{uuid.uuid4().hex[:8]}",
        )
        schema: str = await conn.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = $1", projection
        )
    return schema


async def switch_live(pool: asyncpg.Pool, projection: str, schema: str) -> str:
    """Point readers at `schema`; return the schema they used before."""
    previous = await live_schema(pool, projection)
    await pool.execute(
        """UPDATE kn_projection_live SET schema_name = $2, switched_at = now()
           WHERE projection = $1""",
        projection,
        schema,
    )
    return previous


def fresh_schema_name(projection: str, now: dt.datetime) -> str:
    """A new schema name for a rebuild, e.g. members_r20251231t120000."""
    return f"{projection}_r{now.strftime('%Y%m%dt%H%M%S%f')}"


async def rebuild(runner: ProjectionRunner, pool: asyncpg.Pool, projection: str) -> str:
    """Replay into the runner's (fresh) schema until caught up, then switch readers to it.

    Events arriving during the replay are picked up by the live runner after the switch,
    from the offsets the rebuild stored, so nothing is lost at the cut-over.
    """
    if runner.follows_group:
        raise ValueError(
            "a rebuild reads every partition itself: build its runner without group_id"
        )
    await runner.run(until_caught_up=True)
    await switch_live(pool, projection, runner.schema)
    return runner.schema


async def follow_live(
    pool: asyncpg.Pool,
    make_runner: Callable[[str], ProjectionRunner],
    projection: str,
    ready: asyncio.Event | None = None,
) -> None:
    """Keep a projection's live schema up to date, moving to the new schema whenever a
    rebuild switches readers to it (it resumes from the offsets the rebuild stored)."""
    while True:
        runner = make_runner(await live_schema(pool, projection))
        try:
            await runner.run(ready=ready)
            return
        except Superseded as switched:
            log.info("projection_follows_rebuild", projection=projection, detail=str(switched))
