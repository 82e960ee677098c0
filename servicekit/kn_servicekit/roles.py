"""Two roles per service database: an owner that creates and migrates the tables, and the
role the service runs as, which may read its event log and append to it, never change it.

The owner owns the event table, so only it can ALTER, DROP, TRUNCATE or grant more on it;
the runtime role gets SELECT and INSERT and cannot give itself anything else. A service
whose settings name no owner leaves an event table another role made as it is, and else
makes it as the runtime role, which then owns it and could rewrite it: it says so.
"""

from __future__ import annotations

import asyncpg
import structlog

from kn_servicekit import pgstore
from kn_servicekit.db import Connection

log = structlog.get_logger("roles")

# No UPDATE, DELETE or TRUNCATE of events; no UPDATE of the position sequence (setval), so a
# position is never given out twice; the relay moves its own progress.
RUNTIME_GRANTS = """
GRANT SELECT, INSERT ON kn_events TO {role};
GRANT USAGE, SELECT ON SEQUENCE kn_event_position TO {role};
GRANT SELECT ON kn_event_log TO {role};
GRANT SELECT, INSERT, UPDATE ON kn_relay_progress TO {role};
"""


async def create_event_tables(pool: asyncpg.Pool, owner_url: str | None) -> None:
    """The event and relay tables, made by the owner role for the pool's (runtime) role.
    Without an owner's URL: left as they are when another role made them (its owner
    migrates them), else made by the runtime role, which is then told it owns them."""
    runtime: str = await pool.fetchval("SELECT current_user")
    if owner_url is None:
        made_by = await event_table_owner(pool)
        if made_by is not None and made_by != runtime:
            return
        await pgstore.create_schema(pool)
        log.warning(
            "event_table_not_append_only",
            role=runtime,
            what_to_do="give the service an owner role for its tables "
            "(KN_<SERVICE>_OWNER_DATABASE_URL); kn infra and docker-compose do",
        )
        return
    owner = await asyncpg.connect(owner_url)
    try:
        await pgstore.create_schema(owner)
        if await owner.fetchval("SELECT current_user") != runtime:
            await owner.execute(RUNTIME_GRANTS.format(role=_quoted(runtime)))
    finally:
        await owner.close()


async def event_table_owner(db: asyncpg.Pool | Connection) -> str | None:
    """The role owning the event table the search path finds (None: there is none)."""
    owner: str | None = await db.fetchval(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('kn_events')"
    )
    return owner


def _quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'
