"""Rebuild a projection from offset 0 into a fresh schema, and switch readers over to it."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from kn_contracts.catalog import Catalog
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.errors import Superseded
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.progress import Progress, following
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild_workers import replay_in_workers
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


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild of a live projection did."""

    projection: str
    previous: str
    schema: str
    consumed: int
    applied: int


async def rebuild_live(
    *,
    pool: asyncpg.Pool,
    kafka: KafkaAccess,
    producer: AIOKafkaProducer,
    consumer: str,
    projection: Projection,
    catalog: Catalog,
    now: dt.datetime,
    progress: Progress | None = None,
    workers: int = 1,
    command: Sequence[str] = (),
) -> Rebuilt:
    """Rebuild a service's read model from offset 0 into a fresh schema and switch readers
    to it; the running service's live runner follows at its next batch a second or more
    after the switch (runner.LIVE_RECHECK_S). The previous schema is kept (a reader may
    still be in it); an operator drops it when no longer wanted.
    `progress` (the CLI's) counts the messages read against what the topics held.
    `workers` > 1 replays in that many processes, each `command` for a share of the
    partitions (kn_servicekit.rebuild_workers)."""
    if not getattr(projection, "derived", True):
        raise ValueError(
            f"{projection.name} is not a read model: it appends to the event store, and "
            "replaying it would decide everything again"
        )
    runner = ProjectionRunner(
        pool=pool,
        kafka=kafka,
        projection=projection,
        catalog=catalog,
        schema=fresh_schema_name(projection.name, now),
        dead_letters=DeadLetters(producer, consumer),
    )
    previous = await live_schema(pool, projection.name)
    log.info("projection_rebuild_started", projection=projection.name, schema=runner.schema)
    if workers > 1:
        await runner.prepare()
        passed = [0]  # offsets the workers committed, summed (read from their rows)
        async with following(progress, lambda: passed[0]):
            done = await replay_in_workers(kafka=kafka, pool=pool, schema=runner.schema,
                                           topics=projection.topics, workers=workers,
                                           command=command,
                                           progress=lambda n: passed.__setitem__(0, n))  # fmt: skip
        await switch_live(pool, projection.name, runner.schema)
        consumed, applied = done.consumed, done.applied
    else:
        async with following(progress, lambda: runner.consumed):  # messages read so far
            await rebuild(runner, pool, projection.name)
        consumed, applied = runner.consumed, runner.applied
    log.info("projection_rebuilt", projection=projection.name, schema=runner.schema,
             previous=previous, consumed=consumed, applied=applied,
             workers=workers)  # fmt: skip
    return Rebuilt(projection.name, previous, runner.schema, consumed, applied)
