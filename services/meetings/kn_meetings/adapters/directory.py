"""Queries on meetings' membership view, in the schema the projection lives in now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import asyncpg

from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.membership import (
    MEMBERSHIP_EVENT_TYPES,
    CoordinatorEvent,
    CoordinatorSpellsRestated,
)
from kn_meetings.domain.roster import MembershipFact
from kn_servicekit.db import Connection
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild import live_schema
from kn_servicekit.sealing import KeyRing

_FACTS = """
SELECT seq, kind, network_id, person_id, ydernummer, clinic_id, effective_date, name,
       clinic_name
FROM {schema}.membership_facts
WHERE network_id = $1 OR person_id = ANY($2::text[]) OR ydernummer = ANY($3::text[])
ORDER BY seq
"""
_NEWEST = """
SELECT event_id, seq, kind, network_id, person_id, ydernummer, clinic_id, effective_date,
       name, clinic_name
FROM {schema}.membership_facts
WHERE (person_id = ANY($1::text[]) OR ydernummer = ANY($2::text[])) AND effective_date <= $3
  AND event_id IS NOT NULL AND ($4::bigint IS NULL OR seq <= $4)
ORDER BY seq DESC LIMIT 1
"""
_SEQ = "SELECT seq FROM {schema}.membership_facts WHERE event_id = $1 ORDER BY seq LIMIT 1"
_ACTS = (
    "SELECT event_type, payload FROM {schema}.coordinator_acts WHERE network_id = $1 ORDER BY seq"
)
_CONSUMED = "SELECT next_offset FROM {schema}.kn_offsets WHERE topic = $1 AND partition = $2"
_TYPES = {t.event_name(): t for t in MEMBERSHIP_EVENT_TYPES}


async def prepare_view(pool: asyncpg.Pool, view: Projection) -> None:
    """Create the view's live schema and tables, so queries work before the first event."""
    schema = await live_schema(pool, view.name)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await view.create(conn)


class PostgresMembershipDirectory:
    """The MembershipDirectory port on the projection's live schema (through a pool, or
    inside a consumer's transaction)."""

    def __init__(
        self, pool: asyncpg.Pool | Connection, view_name: str, ring: KeyRing | None = None
    ) -> None:
        self._pool = pool
        self._view_name = view_name
        self._ring = ring or KeyRing()  # opens the names membership sealed (issue 15)

    async def _schema(self) -> str | None:
        # readers follow the live pointer, so a rebuilt view is used once switched
        schema: str | None = await self._pool.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = $1", self._view_name
        )
        return schema

    async def facts(
        self, network_id: str, person_ids: Collection[str], ydernumre: Collection[str]
    ) -> list[MembershipFact]:
        schema = await self._schema()
        if schema is None:
            return []
        rows = await self._pool.fetch(
            _FACTS.format(schema=f'"{schema}"'), network_id, list(person_ids), list(ydernumre)
        )
        return [_fact(row, self._ring) for row in rows]

    async def network_name(self, network_id: str) -> str | None:
        """The network's name as membership published it, if known yet."""
        schema = await self._schema()
        if schema is None:
            return None
        name: str | None = await self._pool.fetchval(
            f'SELECT name FROM "{schema}".networks WHERE network_id = $1', network_id
        )
        return name

    async def coordinators(self, network_id: str) -> RoleHistory:
        """The network's coordinator role over time, as membership recorded it."""
        history = RoleHistory()
        schema = await self._schema()
        if schema is None:
            return history
        for row in await self._pool.fetch(_ACTS.format(schema=f'"{schema}"'), network_id):
            act = _TYPES[row["event_type"]].model_validate_json(row["payload"])
            assert isinstance(act, CoordinatorEvent | CoordinatorSpellsRestated)
            history.apply(act)
        return history

    async def has_consumed(self, topic: str, partition: int, offset: int) -> bool:
        """Whether the view has applied the message at this position of its topic."""
        schema = await self._schema()
        if schema is None:
            return False
        consumed = f'"{schema}"'
        next_offset = await self._pool.fetchval(_CONSUMED.format(schema=consumed), topic, partition)
        return next_offset is not None and next_offset > offset

    async def place_of(self, event_id: str) -> int | None:
        """Where the view put the fact of this membership event in its order, if it holds it."""
        schema = await self._schema()
        if schema is None:
            return None
        seq: int | None = await self._pool.fetchval(_SEQ.format(schema=f'"{schema}"'), event_id)
        return seq

    async def newest_fact(
        self,
        person_ids: Collection[str],
        ydernumre: Collection[str],
        up_to: dt.date,
        up_to_seq: int | None = None,
    ) -> tuple[str, MembershipFact] | None:
        """The membership event (its id and fact) that last changed these persons or
        ydernumre with an effective date on or before `up_to` (and, given `up_to_seq`,
        among the facts the view had applied up to that place)."""
        schema = await self._schema()
        if schema is None:
            return None
        row = await self._pool.fetchrow(
            _NEWEST.format(schema=f'"{schema}"'),
            list(person_ids),
            list(ydernumre),
            up_to,
            up_to_seq,
        )
        return None if row is None else (row["event_id"], _fact(row, self._ring))


def _fact(row: asyncpg.Record, ring: KeyRing) -> MembershipFact:
    return MembershipFact(
        kind=row["kind"],
        network_id=row["network_id"],
        person_id=row["person_id"],
        ydernummer=row["ydernummer"],
        clinic_id=row["clinic_id"],
        effective_date=row["effective_date"],
        seq=row["seq"],
        name=ring.maybe(row["name"], "name"),
        clinic_name=row["clinic_name"],
    )
