"""Shared set-up for benchmark scripts: real infrastructure and a scratch schema."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from kn_deploy import infra, postgres
from kn_deploy.provision import provision
from kn_deploy.pytest_plugin import TEST_DATABASE
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.logging import configure_logging
from kn_servicekit.settings import LocalDatabase


def start_infra() -> tuple[KafkaAccess, str]:
    """Kafka (as its admin) and a scratch database URL, starting the local runtime if needed."""
    configure_logging("benchmark", "WARNING")
    found, _ = infra.up()
    pg = postgres.PostgresLocal.default()
    database = LocalDatabase(TEST_DATABASE, port=pg.port)
    if found.local_databases:
        asyncio.run(provision(pg, [database]))
    return found.kafka(), database.url


@asynccontextmanager
async def scratch_pool(url: str, size: int = 8) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh schema that is dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    pool = await asyncpg.create_pool(f"{url}?search_path={schema}", min_size=1, max_size=size)
    try:
        yield pool
    finally:
        await pool.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def drop_service_schemas(url: str, schemas: list[str]) -> None:
    """Drop services' schemas, each after the read-model schemas its kn_projection_live
    names (the live ones, and a rebuild's)."""
    admin = await asyncpg.connect(url)
    try:
        for schema in schemas:
            names = [schema]
            if await admin.fetchval("SELECT to_regclass($1)", f'"{schema}".kn_projection_live'):
                rows = await admin.fetch(f'SELECT schema_name FROM "{schema}".kn_projection_live')
                names = [*(row["schema_name"] for row in rows), schema]
            for name in names:
                await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await admin.close()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]
