"""Which annual statuses were submitted, from reporting's events (DOMAIN Meetings 7: a held
meeting's topics are corrected until the year's annual status is submitted)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from kn_contracts.events.reporting import AnnualStatusSubmitted
from kn_servicekit.db import Connection
from kn_servicekit.projection import Delivery

NAME = "annual_status_view"
TABLES = """
CREATE TABLE IF NOT EXISTS annual_statuses (
    network_id    text NOT NULL,
    year          integer NOT NULL,
    submitted_on  date NOT NULL,
    PRIMARY KEY (network_id, year)
);
"""
_SUBMITTED = """
INSERT INTO annual_statuses (network_id, year, submitted_on) VALUES ($1, $2, $3)
ON CONFLICT (network_id, year) DO NOTHING
"""


class AnnualStatusView:
    """The (network, year) pairs whose annual status the coordinator submitted."""

    name = NAME

    def __init__(self, reporting_topic: str) -> None:
        self.topics: tuple[str, ...] = (reporting_topic,)

    async def create(self, conn: Connection) -> None:
        await conn.execute(TABLES)

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        rows = [(e.network_id, e.year, e.effective_date) for e in
                (d.event for d in batch) if isinstance(e, AnnualStatusSubmitted)]  # fmt: skip
        if rows:
            await conn.executemany(_SUBMITTED, rows)


class PostgresAnnualStatuses:
    """The AnnualStatuses port on the view's live schema."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def submitted(self, network_id: str, year: int) -> bool:
        schema = await self._pool.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = $1", NAME
        )
        if schema is None:
            return False
        found = await self._pool.fetchval(
            f'SELECT 1 FROM "{schema}".annual_statuses WHERE network_id = $1 AND year = $2',
            network_id, year,
        )  # fmt: skip
        return found is not None
