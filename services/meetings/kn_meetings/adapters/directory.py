"""Queries on meetings' membership view, in the schema the projection lives in now."""

from __future__ import annotations

from collections.abc import Collection

import asyncpg

from kn_meetings.adapters.membership_view import MembershipView
from kn_meetings.domain.roster import MembershipFact
from kn_servicekit.rebuild import live_schema

_FACTS = """
SELECT seq, kind, network_id, person_id, ydernummer, clinic_id, effective_date, name,
       clinic_name
FROM {schema}.membership_facts
WHERE network_id = $1 OR person_id = ANY($2::text[]) OR ydernummer = ANY($3::text[])
ORDER BY seq
"""


async def prepare_view(pool: asyncpg.Pool, view: MembershipView) -> None:
    """Create the view's live schema and tables, so queries work before the first event."""
    schema = await live_schema(pool, view.name)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await view.create(conn)


class PostgresMembershipDirectory:
    """The MembershipDirectory port on the projection's live schema."""

    def __init__(self, pool: asyncpg.Pool, view_name: str) -> None:
        self._pool = pool
        self._view_name = view_name

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
        return [
            MembershipFact(
                kind=row["kind"],
                network_id=row["network_id"],
                person_id=row["person_id"],
                ydernummer=row["ydernummer"],
                clinic_id=row["clinic_id"],
                effective_date=row["effective_date"],
                seq=row["seq"],
                name=row["name"],
                clinic_name=row["clinic_name"],
            )
            for row in rows
        ]

    async def network_name(self, network_id: str) -> str | None:
        """The network's name as membership published it, if known yet."""
        schema = await self._schema()
        if schema is None:
            return None
        name: str | None = await self._pool.fetchval(
            f'SELECT name FROM "{schema}".networks WHERE network_id = $1', network_id
        )
        return name
