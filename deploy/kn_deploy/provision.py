"""Databases and roles on the local cluster: one database per service, and per service the
role it runs as and (with owner roles) the role that owns its tables and event log."""

from __future__ import annotations

import asyncpg

from kn_deploy.postgres import PostgresLocal
from kn_servicekit.roles import RUNTIME_GRANTS
from kn_servicekit.settings import LocalDatabase

Admin = asyncpg.Connection  # a superuser's connection, through the cluster's socket


async def provision(
    pg: PostgresLocal, databases: list[LocalDatabase], *, owner_roles: bool = False
) -> None:
    """One database and one login role per service; no role may connect to another's. With
    `owner_roles`, a second role owns each database and its event log (the service runs as
    the first, which may only read and append to the log: kn_servicekit.roles); a database
    provisioned before owner roles existed is handed over to its owner role."""
    admin = await _superuser(pg, "postgres")
    try:
        for db in databases:
            await _login_role(admin, db.role, db.password)
            if owner_roles:
                await _login_role(admin, db.owner_role, db.owner_password)
            owner = db.owner_role if owner_roles else db.role
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db.name):
                await admin.execute(f'CREATE DATABASE "{db.name}" OWNER "{owner}"')
            await admin.execute(f'REVOKE ALL ON DATABASE "{db.name}" FROM PUBLIC')
            if owner_roles:
                inside = await _superuser(pg, db.name)
                try:
                    await _separate_owner(inside, db)
                finally:
                    await inside.close()
    finally:
        await admin.close()


async def _superuser(pg: PostgresLocal, database: str) -> Admin:
    return await asyncpg.connect(
        host=str(pg.socket_dir), port=pg.port, user="postgres", database=database
    )


async def _login_role(admin: Admin, role: str, password: str) -> None:
    exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    quoted = password.replace("'", "''")
    await admin.execute(f"{verb} ROLE \"{role}\" LOGIN PASSWORD '{quoted}'")


async def _separate_owner(conn: Admin, db: LocalDatabase) -> None:
    """The owner role owns the database (so its public schema) and the event log there;
    the service's role may connect, create its read models' schemas and tables, and use
    public. The owner grants it the rest when the service starts (kn_servicekit.roles)."""
    owner, runtime = f'"{db.owner_role}"', f'"{db.role}"'
    await conn.execute(f'ALTER DATABASE "{db.name}" OWNER TO {owner}')
    await conn.execute(f'GRANT CONNECT, CREATE, TEMPORARY ON DATABASE "{db.name}" TO {runtime}')
    await conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {runtime}")
    # the event log the service's role made in public before it had an owner role is handed
    # over (other schemas are left alone: tests make scratch logs in their own, meanwhile)
    made_by = await conn.fetchval(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('public.kn_events')"
    )
    if made_by != db.role:
        return
    async with conn.transaction():
        await conn.execute("SET LOCAL search_path TO public")
        for table in ("kn_events", "kn_event_log", "kn_relay_progress"):
            await conn.execute(f"ALTER TABLE IF EXISTS {table} OWNER TO {owner}")
            # whatever the role granted while it owned them (to itself through PUBLIC)
            await conn.execute(f"REVOKE ALL ON {table} FROM PUBLIC, {runtime}")
        await conn.execute(f"ALTER SEQUENCE IF EXISTS kn_event_position OWNER TO {owner}")
        await conn.execute(f"REVOKE ALL ON SEQUENCE kn_event_position FROM PUBLIC, {runtime}")
        await conn.execute(RUNTIME_GRANTS.format(role=runtime))
