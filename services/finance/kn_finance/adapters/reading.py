"""Reading finance's tables of other services' facts: in the decider's own transaction, or
in the schema the projection lives in now (for HTTP questions)."""

from __future__ import annotations

import json

import asyncpg

from kn_contracts.catalog import Catalog
from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.membership import CoordinatorEvent, CoordinatorSpellsRestated
from kn_rules.inputs import ListFact, MeetingFact, NetworkInputs
from kn_servicekit.db import Connection

_LISTS = """
SELECT DISTINCT ON (meeting_id) meeting_id, revision, lines FROM {s}fin_lists
WHERE network_id = $1 ORDER BY meeting_id, revision DESC
"""


class InputsReader:
    """The Inputs port on a connection (search_path) or a pool and a schema."""

    def __init__(
        self, db: asyncpg.Pool | Connection, catalog: Catalog, schema: str | None = None
    ) -> None:
        self._db = db
        self._catalog = catalog
        self._prefix = f'"{schema}".' if schema else ""

    async def network(self, network_id: str | None) -> NetworkInputs:
        """What finance knows of a network (nothing, for an invoice naming none)."""
        if network_id is None:
            return NetworkInputs(None)
        s = self._prefix
        name = await self._db.fetchval(
            f"SELECT name FROM {s}fin_networks WHERE network_id = $1", network_id
        )
        meetings = await self._db.fetch(
            f"SELECT meeting_id, meeting_date, status FROM {s}fin_meetings WHERE network_id = $1 "
            "ORDER BY meeting_date, meeting_id",
            network_id,
        )
        lists = await self._db.fetch(_LISTS.format(s=s), network_id)
        acts = await self._db.fetch(
            f"SELECT ce_type, body FROM {s}fin_coordinator_acts WHERE network_id = $1 ORDER BY seq",
            network_id,
        )
        roles = RoleHistory()
        for act in acts:
            event = self._catalog.decode(act["ce_type"], act["body"])
            if isinstance(event, CoordinatorEvent | CoordinatorSpellsRestated):
                roles.apply(event)
        return NetworkInputs(
            network_id=network_id,
            name=name,
            meetings=tuple(
                MeetingFact(m["meeting_id"], m["meeting_date"], m["status"]) for m in meetings
            ),
            lists={
                row["meeting_id"]: ListFact(
                    row["meeting_id"],
                    row["revision"],
                    tuple((c, y) for c, y in json.loads(row["lines"])),
                )
                for row in lists
            },
            roles=roles,
        )

    async def networks(self) -> list[str]:
        """Every network membership has published."""
        rows = await self._db.fetch(f"SELECT network_id FROM {self._prefix}fin_networks ORDER BY 1")
        return [row["network_id"] for row in rows]


async def live_reader(pool: asyncpg.Pool, catalog: Catalog, projection: str) -> InputsReader:
    """A reader of the schema the projection's readers use now (after any rebuild)."""
    schema = await pool.fetchval(
        "SELECT schema_name FROM kn_projection_live WHERE projection = $1", projection
    )
    return InputsReader(pool, catalog, schema)
