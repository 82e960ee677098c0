"""The role a service runs as may read and append to its event log, never change it: an owner
role makes the tables (issue 14). Shown on `kn infra`'s cluster, on one provisioned before
owner roles existed, and with docker-compose's init script."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from kn_deploy import infra, postgres
from kn_deploy.provision import provision
from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit import pgstore, roles
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import LocalDatabase
from tests.boundaries import REPO
from tests.membership.service import EKM, TOKENS
from tests.support.kafka import read_all
from tests.support.private_infra import private_postgres
from tests.support.service import running, sandbox
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

# What the runtime role is refused: each would change or remove what the log recorded.
REFUSED = (
    "UPDATE kn_events SET payload = '{}'",
    "DELETE FROM kn_events",
    "TRUNCATE kn_events",
    "DROP TABLE kn_events",
    "ALTER TABLE kn_events DISABLE TRIGGER ALL",
    "UPDATE kn_event_log SET log = 'another'",
    "SELECT setval('kn_event_position', 1)",
)


async def refusals(url: str) -> dict[str, str]:
    """Each REFUSED statement run as the role of `url` (and rolled back) -> its outcome.
    Each time the role first tries to grant itself everything: a non-owner's GRANT grants
    nothing."""
    conn = await asyncpg.connect(url)
    answers = {}
    try:
        for statement in REFUSED:
            attempt = conn.transaction()
            await attempt.start()
            try:
                await conn.execute(f"GRANT ALL ON kn_events, kn_event_log TO PUBLIC; {statement}")
                answers[statement] = "done"
            except asyncpg.PostgresError as exc:
                answers[statement] = f"{type(exc).__name__}: {exc}"
            finally:
                await attempt.rollback()
    finally:
        await conn.close()
    return answers


def all_refused(answers: dict[str, str]) -> bool:
    return all(answer.startswith("InsufficientPrivilegeError") for answer in answers.values())


@pytest.fixture
async def owned_schema(endpoints: infra.Endpoints) -> AsyncIterator[tuple[str, str, str]]:
    """A fresh schema in membership's database on `kn infra`'s cluster, owned by the owner
    role: (runtime URL, owner URL, schema)."""
    if "membership" not in endpoints.local_databases:
        pytest.skip("membership's database is external: its roles are the operator's")
    env = endpoints.service_env("membership")
    db = LocalDatabase("membership")
    runtime_url, owner_url = env[db.env_var], env[db.owner_env_var]
    schema = f"append_only_{uuid.uuid4().hex[:10]}"
    owner = await asyncpg.connect(owner_url)
    await owner.execute(f'CREATE SCHEMA "{schema}"')
    await owner.execute(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO "{db.role}"')
    try:
        yield runtime_url, owner_url, schema
    finally:
        runtime = await asyncpg.connect(runtime_url)  # the read models' schemas are its own
        if await runtime.fetchval("SELECT to_regclass($1)", f'"{schema}".kn_projection_live'):
            for (made,) in await runtime.fetch(
                f'SELECT schema_name FROM "{schema}".kn_projection_live'
            ):
                await runtime.execute(f'DROP SCHEMA IF EXISTS "{made}" CASCADE')
        await runtime.close()
        await owner.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await owner.close()


async def test_the_role_a_service_runs_as_cannot_update_or_delete_its_events(
    kafka_admin: KafkaAccess, owned_schema: tuple[str, str, str]
) -> None:
    runtime_url, owner_url, schema = owned_schema
    async with sandbox(kafka_admin, runtime_url) as box:
        settings = box.settings(MembershipSettings, TOKENS, schema).model_copy(
            update={"owner_database_url": f"{owner_url}?search_path={schema}"}
        )
        async with running(create_app, settings) as http:
            network = {"network_id": "aalborg-oest", "name": "Aalborg Øst", "cluster_id": "aalborg"}
            created = await http.post("/v1/networks", headers=EKM, json=network)
            assert created.status_code == 201, created.text
            await eventually(
                lambda: read_all(kafka_admin, box.topic("kn.membership.events")),
                lambda found: any(b"NetworkCreated" in dict(r.headers)["ce_type"] for r in found),
                what="the network on Kafka",
            )
    as_runtime = f"{runtime_url}?search_path={schema}"
    answers = await refusals(as_runtime)
    assert all_refused(answers), answers
    owner = await asyncpg.connect(f"{owner_url}?search_path={schema}")
    try:
        assert await roles.event_table_owner(owner) == "kn_membership_owner"
        recorded = "SELECT count(*) FROM kn_events WHERE ce_type LIKE '%.NetworkCreated.%'"
        assert await owner.fetchval(recorded) == 1
    finally:
        await owner.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[postgres.PostgresLocal]:
    """A cluster of this module's own, with nothing provisioned in it yet."""
    with private_postgres(tmp_path_factory.mktemp("append-only"), ()) as pg:
        yield pg


async def test_kn_infra_hands_an_event_log_made_before_owner_roles_to_the_owner(
    cluster: postgres.PostgresLocal,
) -> None:
    db = LocalDatabase(f"legacy{uuid.uuid4().hex[:6]}", port=cluster.port)
    await provision(cluster, [db])  # as before owner roles: the service's role owns it all
    service = await asyncpg.connect(db.url)
    try:
        await pgstore.create_schema(service)
        assert await roles.event_table_owner(service) == db.role
        # what an owner may do: the handover takes it back
        await service.execute("GRANT ALL ON kn_events, kn_event_log TO PUBLIC")
    finally:
        await service.close()
    assert not all_refused(await refusals(db.url))
    await provision(cluster, [db], owner_roles=True)  # `kn infra up` today
    answers = await refusals(db.url)
    assert all_refused(answers), answers
    owner = await asyncpg.connect(db.owner_url)
    try:
        assert await roles.event_table_owner(owner) == db.owner_role
        database_owner = "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1"
        assert await owner.fetchval(database_owner, db.name) == db.owner_role
    finally:
        await owner.close()


async def test_the_compose_init_script_gives_each_service_a_role_that_only_appends(
    cluster: postgres.PostgresLocal,
) -> None:
    binaries = postgres.bin_dir()
    assert binaries is not None
    script = REPO / "deploy" / "docker" / "postgres-init.sql"
    await asyncio.to_thread(
        subprocess.run,
        [str(binaries / "psql"), "-h", str(cluster.socket_dir), "-p", str(cluster.port),
         "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-f", str(script)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    for service in infra.SERVICES:
        db = LocalDatabase(service, port=cluster.port)
        pool = await asyncpg.create_pool(db.url, min_size=1, max_size=1)
        try:  # what the service does when it starts, with compose's two URLs
            await roles.create_event_tables(pool, db.owner_url)
            await pool.execute(  # and what it does with its log
                "INSERT INTO kn_events VALUES (nextval('kn_event_position'), gen_random_uuid(),"
                " 's', 1, 't', 'k', 'x', '{}', now())"
            )
        finally:
            await pool.close()
        answers = await refusals(db.url)
        assert all_refused(answers), (service, answers)


def test_compose_gives_each_service_the_owner_roles_url() -> None:
    compose = (REPO / "docker-compose.yml").read_text()
    for service in infra.SERVICES:
        db = LocalDatabase(service, host="postgres", port=5432)
        assert f"{db.owner_env_var}: {db.owner_url}" in compose
        assert f"{db.env_var}: {db.url}" in compose
