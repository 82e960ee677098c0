"""Fixtures that start the real Kafka and PostgreSQL (once per session) for tests."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest

from kn_deploy import infra, postgres
from kn_deploy.provision import provision
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import LocalDatabase

TEST_DATABASE = "test"
_STARTED = pytest.StashKey[list[str]]()


_READY = "KN_TEST_INFRA_READY"  # set by a controller for its workers: nothing to start


def _start() -> tuple[infra.Endpoints, list[str]]:
    if os.environ.get(_READY):
        return infra.endpoints(), []
    with infra.exclusive():
        found, started = infra.up()
        if found.local_databases:
            pg = postgres.PostgresLocal.default()
            asyncio.run(provision(pg, [LocalDatabase(TEST_DATABASE, port=pg.port)]))
    return found, started


def _runs_workers(config: pytest.Config) -> bool:
    """True in the controller of a `pytest -n N` run (pytest-xdist), never in its workers."""
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and not hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """With workers, the controller starts Kafka and PostgreSQL once, before any worker
    runs, and stops them after the last: no two workers race to start them, and none stops
    them under another (each worker's `endpoints` then finds them running)."""
    if _runs_workers(session.config):
        session.config.stash[_STARTED] = _start()[1]
        os.environ[_READY] = "1"  # the workers, started after this, inherit it


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(_STARTED, [])
    if started and not os.environ.get("KN_KEEP_INFRA"):
        infra.down(tuple(started))


@pytest.fixture(scope="session")
def endpoints() -> Iterator[infra.Endpoints]:
    """Kafka and per-service databases, started here unless the environment points elsewhere."""
    # in a thread of its own: an async fixture may be what asks first, inside a running loop
    with ThreadPoolExecutor(1) as thread:
        found, started = thread.submit(_start).result()
    yield found
    if started and not os.environ.get("KN_KEEP_INFRA"):
        infra.down(tuple(started))


@pytest.fixture(scope="session")
def kafka_bootstrap(endpoints: infra.Endpoints) -> str:
    """The bootstrap address of the real Kafka."""
    return endpoints.kafka_bootstrap


@pytest.fixture(scope="session")
def kafka_admin(endpoints: infra.Endpoints) -> KafkaAccess:
    """The real Kafka as its admin (the super user) sees it: what tests' helpers use."""
    return endpoints.kafka()


@pytest.fixture(scope="session")
def test_database_url(endpoints: infra.Endpoints) -> str:
    """A scratch database for kit tests (KN_TEST_DATABASE_URL when Postgres is external)."""
    pg = postgres.PostgresLocal.default()
    return os.environ.get("KN_TEST_DATABASE_URL", LocalDatabase(TEST_DATABASE, port=pg.port).url)


@pytest.fixture
async def database(test_database_url: str) -> AsyncIterator[str]:
    """A URL whose connections see a fresh, empty schema of their own (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(test_database_url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in test_database_url else "?"
    # asyncpg passes unknown DSN parameters on as server settings
    yield f"{test_database_url}{separator}search_path={schema}"
    await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await admin.close()


def unique(prefix: str) -> str:
    """A name no other test or run uses, for topics, groups and ids on shared infrastructure."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
