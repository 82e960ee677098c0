"""Reporting's read model: the facts it needs from membership, meetings and finance, kept
per scope (a network, or clusters / mandatory topics / rate tables / fee years) with the
day they were recorded (ce_time) and take effect, as the catalog's current model.

A projection run by the kit's runner (exactly once, with its offsets); reporting never
calls another service. The domain folds the facts by their dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_reporting.domain.facts import COMMON_SCOPES, NO_NETWORK, scope_of
from kn_rules.audit import AsOf
from kn_servicekit.cause import COPENHAGEN
from kn_servicekit.db import Connection
from kn_servicekit.projection import Delivery
from kn_servicekit.rebuild import live_schema
from kn_servicekit.sealing import KeyRing

NAME = "report_facts"

TABLES = """
CREATE TABLE IF NOT EXISTS report_facts (
    seq             bigserial PRIMARY KEY,
    scope           text NOT NULL,
    ce_type         text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    effective_date  date NOT NULL,
    body            text NOT NULL
);
CREATE INDEX IF NOT EXISTS report_facts_scope ON report_facts (scope, seq);
"""
_INSERT = """
INSERT INTO report_facts (scope, ce_type, recorded_at, effective_date, body)
VALUES ($1, $2, $3, $4, $5)
"""


class ReportFacts:
    """The projection: every fact reporting needs, from the other services' topics."""

    name = NAME

    def __init__(self, topics: Sequence[str]) -> None:
        self.topics: tuple[str, ...] = tuple(topics)

    async def create(self, conn: Connection) -> None:
        await conn.execute(TABLES)

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        rows = []
        for delivery in batch:
            event = delivery.event
            scope = scope_of(event)
            if scope is not None:
                rows.append(
                    (
                        scope,
                        event.ce_type(),
                        delivery.envelope.time,
                        event.effective_date,
                        event.model_dump_json(),
                    )
                )
        if rows:
            await conn.executemany(_INSERT, rows)


async def prepare_view(pool: asyncpg.Pool, view: ReportFacts) -> None:
    """Create the live schema and its tables, so queries work before the first fact."""
    schema = await live_schema(pool, view.name)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await view.create(conn)


class FactsReader:
    """Queries on the live schema of the facts (a rebuilt schema once readers switched)."""

    def __init__(self, pool: asyncpg.Pool, catalog: Catalog, ring: KeyRing | None = None) -> None:
        self._pool = pool
        self._catalog = catalog
        # a network's status shows names: its facts are opened with the copies of the
        # owners' keys ("[slettet]" once erased); the overview and the audit need none
        self._ring = ring

    async def _rows(self, where: str, *args: object) -> list[asyncpg.Record]:
        schema = await self._pool.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = $1", NAME
        )
        if schema is None:
            return []
        query = f'SELECT scope, ce_type, body FROM "{schema}".report_facts {where} ORDER BY seq'
        rows: list[asyncpg.Record] = await self._pool.fetch(query, *args)
        return rows

    def _decode(self, rows: list[asyncpg.Record]) -> list[Event]:
        return [self._catalog.decode(r["ce_type"], r["body"]) for r in rows]

    def _opened(self, rows: list[asyncpg.Record]) -> list[Event]:
        return [self._catalog.decode(r["ce_type"], r["body"], self._ring) for r in rows]

    async def of_network(self, network_id: str) -> tuple[list[Event], list[Event]]:
        """The network's facts and the common ones, each in arrival order."""
        rows = await self._rows("WHERE scope = ANY($1::text[])", [network_id, *COMMON_SCOPES])
        mine = [r for r in rows if r["scope"] == network_id]
        common = [r for r in rows if r["scope"] != network_id]
        return self._opened(mine), self._decode(common)

    async def everything(self) -> tuple[dict[str, list[Event]], list[Event]]:
        """Every network's facts by network, and the common ones."""
        by_network: dict[str, list[Event]] = {}
        common: list[Event] = []
        for row in await self._rows("WHERE scope <> $1", NO_NETWORK):
            event = self._catalog.decode(row["ce_type"], row["body"])
            if row["scope"] in COMMON_SCOPES:
                common.append(event)
            else:
                by_network.setdefault(row["scope"], []).append(event)
        return by_network, common

    async def as_of(self, as_of: AsOf) -> list[Event]:
        """Every fact recorded (ce_time in Copenhagen) or taking effect by the day, in the
        order they arrived, for the audit's figures."""
        if as_of.by == "effective_date":
            return self._decode(await self._rows("WHERE effective_date <= $1", as_of.day))
        ends = dt.datetime.combine(as_of.day + dt.timedelta(days=1), dt.time(), COPENHAGEN)
        return self._decode(await self._rows("WHERE recorded_at < $1", ends))
