"""The demo's services as real processes in a sandbox of their own (topic prefix, schemas)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest

from kn_contracts.topics import TOPICS
from kn_deploy import infra
from kn_deploy.broker_admin import Acl
from kn_deploy.scenario_desk import PERSON_KEY
from kn_deploy.services import ServiceProcess, start_service
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.topics import ensure_topics
from tests.support.kafka import drop_topics, grant_sandbox
from tests.support.kn_cli import create_schemas
from tests.support.persons import PUBLIC_KEY, SIGNING_KEY
from tests.support.private_infra import on_free_ports

# the service principals' tokens, and EKM's key for the coordinators' own tokens
TOKENS = {"ekm": "demo-ekm", "auditor": "demo-auditor", PERSON_KEY: SIGNING_KEY.decode()}
ROLES = {"demo-ekm": "ekm", "demo-auditor": "auditor"}


async def _prepare(
    kafka: KafkaAccess, database_url: str, prefix: str, schemas: list[str]
) -> set[Acl]:
    await ensure_topics(kafka, TOPICS, prefix=prefix)
    granted = await grant_sandbox(kafka, prefix)
    await create_schemas(database_url, schemas)
    return granted


@contextmanager
def demo_services(
    names: Sequence[str],
    *,
    kafka_admin: KafkaAccess,
    database_url: str,
    logs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, ServiceProcess]]:
    """Start `names` as processes with the demo's tokens, each in a schema of its own and
    all on a fresh topic prefix (also set for this test's own producers), on free ports;
    ready on entry. The ports are drawn, never fixed: a fixed range could be drawn by
    another worker's system first, and then answer for this one (with its own key)."""
    tag = uuid.uuid4().hex[:8]
    prefix = f"demo{tag}."
    schemas = {name: f"demo_{name}_{tag}" for name in names}
    granted = asyncio.run(_prepare(kafka_admin, database_url, prefix, list(schemas.values())))
    monkeypatch.setenv("KN_TOPIC_PREFIX", prefix)
    running: dict[str, ServiceProcess] = {}
    try:
        running = on_free_ports(
            len(names), lambda first: _start(schemas, kafka_admin, database_url, logs, first)
        )
        yield running
    finally:
        for process in running.values():
            process.stop()
        asyncio.run(drop_topics(kafka_admin, prefix, granted))


def _start(
    schemas: dict[str, str], kafka_admin: KafkaAccess, database_url: str, logs: Path, first: int
) -> dict[str, ServiceProcess]:
    running: dict[str, ServiceProcess] = {}
    try:
        for port, (name, schema) in enumerate(schemas.items(), start=first):
            env = {
                **infra.kafka_env(
                    infra.endpoints().kafka(name) if kafka_admin.secured else kafka_admin
                ),
                f"KN_{name.upper()}_DATABASE_URL": f"{database_url}?search_path={schema}",
                f"KN_{name.upper()}_API_TOKENS": json.dumps(ROLES),
                "KN_TOKEN_PUBLIC_KEY": PUBLIC_KEY,
            }
            running[name] = start_service(name, env, logs, port=port)
        for process in running.values():
            process.wait_healthy(probe="/ready")
    except BaseException:
        for process in running.values():
            process.stop()
        raise
    return running


def services_fixture(
    names: Sequence[str], *, scope: Literal["function", "module"] = "function"
) -> Callable[..., Iterator[dict[str, ServiceProcess]]]:
    """A test module's `services` fixture: `names` started by `demo_services`; with scope
    "module", one system for the module's tests (starting one costs about 15 s of CPU on a
    slow machine)."""

    @pytest.fixture(scope=scope)
    def services(
        kafka_admin: KafkaAccess,
        test_database_url: str,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> Iterator[dict[str, ServiceProcess]]:
        with (
            pytest.MonkeyPatch.context() as monkeypatch,
            demo_services(
                names,
                kafka_admin=kafka_admin,
                database_url=test_database_url,
                logs=tmp_path_factory.mktemp("services"),
                monkeypatch=monkeypatch,
            ) as running,
        ):
            yield running

    return services
