"""The demo's story (DOMAIN's worked example) through real service processes and Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from kn_contracts.topics import TOPICS
from kn_deploy.scenario import Scenario
from kn_deploy.services import ServiceProcess, start_service
from kn_servicekit.topics import ensure_topics

pytestmark = pytest.mark.infra
TOKENS = {"ekm": "demo-ekm", "coordinator": "demo-coordinator"}


async def _prepare(bootstrap: str, database_url: str, prefix: str, schemas: list[str]) -> None:
    await ensure_topics(bootstrap, TOPICS, prefix=prefix)
    admin = await asyncpg.connect(database_url)
    for schema in schemas:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
    await admin.close()


@pytest.fixture
def services(
    kafka_bootstrap: str,
    test_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, ServiceProcess]]:
    prefix = f"demo{uuid.uuid4().hex[:8]}."
    schemas = {name: f"demo_{name}_{uuid.uuid4().hex[:8]}" for name in ("membership", "meetings")}
    asyncio.run(_prepare(kafka_bootstrap, test_database_url, prefix, list(schemas.values())))
    monkeypatch.setenv("KN_TOPIC_PREFIX", prefix)
    roles = json.dumps({"demo-ekm": "ekm", "demo-coordinator": "coordinator:aalborg-oest"})
    running = {}
    try:
        for port, (name, schema) in enumerate(schemas.items(), start=18300):
            env = {
                "KN_KAFKA_BOOTSTRAP": kafka_bootstrap,
                f"KN_{name.upper()}_DATABASE_URL": f"{test_database_url}?search_path={schema}",
                f"KN_{name.upper()}_API_TOKENS": roles,
            }
            running[name] = start_service(name, env, tmp_path, port=port)
        for process in running.values():
            process.wait_healthy(probe="/ready")
        yield running
    finally:
        for process in running.values():
            process.stop()


def test_the_demo_plays_the_worked_example_to_its_figures(
    services: dict[str, ServiceProcess], kafka_bootstrap: str
) -> None:
    told: list[str] = []
    urls = (services["membership"].url, services["meetings"].url)
    with Scenario(*urls, kafka_bootstrap, TOKENS) as scenario:
        figures = scenario.run(told.append)
        again = scenario.run(told.append)  # every command carries its idempotency key
    assert figures == {"members": 18, "attendance": {"member_owner": 14, "employee": 2}}
    assert "months served {'p-03': 4, 'p-04': 8}" in told[3]
    assert again == figures
