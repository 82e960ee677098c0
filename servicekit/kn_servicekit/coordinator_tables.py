"""The CoordinatorView port over a projection's table of membership's coordinator events
kept as JSON (meetings, finance and reporting each keep one in their own database)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

import asyncpg
from fastapi import Request

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.membership import (
    MEMBERSHIP_EVENT_TYPES,
    CoordinatorEvent,
    CoordinatorSpellsRestated,
)
from kn_servicekit.db import Connection

# any person_id in the act: a holder, a restated spell's holder, who stepped down
_NAMES = (
    "jsonb_path_exists({body}::jsonb, '$.**.person_id ? (@ == $p)', "
    "jsonb_build_object('p', $1::text))"
)


@dataclass(frozen=True)
class ActsTable:
    """A table (schema-qualified) with a network column, the event's kind, its JSON body
    and an ordering column; `decode(kind, body)` reads a row as the event."""

    db: asyncpg.Pool | Connection
    table: str
    decode: Callable[[str, str], Event]
    kinds: Collection[str] = ()  # only rows of these kinds are coordinator acts (empty: all)
    network: str = "network_id"
    kind: str = "event_type"
    body: str = "payload"
    order: str = "seq"

    def _kinds(self, at: int) -> str:
        return f" AND {self.kind} = ANY(${at}::text[])" if self.kinds else ""

    def _args(self) -> list[list[str]]:
        return [list(self.kinds)] if self.kinds else []

    async def coordinators(self, network_id: str) -> RoleHistory:
        rows = await self.db.fetch(
            f"SELECT {self.kind} AS kind, {self.body} AS body FROM {self.table} "
            f"WHERE {self.network} = $1{self._kinds(2)} ORDER BY {self.order}",
            network_id,
            *self._args(),
        )
        history = RoleHistory()
        for row in rows:
            event = self.decode(row["kind"], row["body"])
            if isinstance(event, CoordinatorEvent | CoordinatorSpellsRestated):
                history.apply(event)
        return history

    async def networks_naming(self, person_id: str) -> list[str]:
        rows = await self.db.fetch(
            f"SELECT DISTINCT {self.network} AS network FROM {self.table} "
            f"WHERE {_NAMES.format(body=self.body)}{self._kinds(2)}",
            person_id,
            *self._args(),
        )
        return [row["network"] for row in rows]


class NoActs:
    """The view before the projection made its tables: no history anywhere."""

    async def coordinators(self, network_id: str) -> RoleHistory:
        return RoleHistory()

    async def networks_naming(self, person_id: str) -> list[str]:
        return []


async def live_table(pool: asyncpg.Pool, projection: str, table: str) -> str | None:
    """`"schema".table` in the schema the projection's readers use now (None: not made)."""
    schema: str | None = await pool.fetchval(
        "SELECT schema_name FROM kn_projection_live WHERE projection = $1", projection
    )
    return None if schema is None else f'"{schema}".{table}'


def view_of(
    projection: str, table: str, decode: Callable[[str, str], Event], **columns: Any
) -> Callable[[Request], Awaitable[ActsTable | NoActs]]:
    """A composition root's ViewOf: the table in the projection's live schema, read through
    the service's pool (so the next request after a fact arrives sees it)."""

    async def of(request: Request) -> ActsTable | NoActs:
        pool: asyncpg.Pool = request.app.state.resources.pool
        found = await live_table(pool, projection, table)
        return NoActs() if found is None else ActsTable(pool, found, decode, **columns)

    return of


def decoder(catalog: Catalog) -> Callable[[str, str], Event]:
    """Rows that keep the CloudEvents type and the event's JSON, read with the catalog."""
    return catalog.decode


COORDINATOR_TYPES = tuple(
    t.ce_type()
    for t in MEMBERSHIP_EVENT_TYPES
    if issubclass(t, CoordinatorEvent | CoordinatorSpellsRestated)
)
