"""`make demo`'s money: the worked example's year through the three service processes, the
files it writes, and a second run that records nothing new."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from kn_contracts.topics import TOPICS
from kn_deploy.scenario import Scenario
from kn_deploy.scenario_money import Money
from kn_deploy.services import ServiceProcess, start_service
from kn_servicekit.topics import ensure_topics

pytestmark = pytest.mark.infra
TOKENS = {"ekm": "demo-ekm", "coordinator": "demo-coordinator"}
SERVICES = ("membership", "meetings", "finance")


async def _prepare(bootstrap: str, database_url: str, prefix: str, schemas: list[str]) -> None:
    await ensure_topics(bootstrap, TOPICS, prefix=prefix)
    admin = await asyncpg.connect(database_url)
    for schema in schemas:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
    await admin.close()


@pytest.fixture
def services(
    kafka_bootstrap: str, test_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, ServiceProcess]]:
    prefix = f"money{uuid.uuid4().hex[:8]}."
    schemas = {name: f"money_{name}_{uuid.uuid4().hex[:8]}" for name in SERVICES}
    asyncio.run(_prepare(kafka_bootstrap, test_database_url, prefix, list(schemas.values())))
    monkeypatch.setenv("KN_TOPIC_PREFIX", prefix)
    roles = json.dumps({"demo-ekm": "ekm", "demo-coordinator": "coordinator:aalborg-oest"})
    running = {}
    try:
        for port, (name, schema) in enumerate(schemas.items(), start=18320):
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


def test_the_demo_adds_the_years_money_and_writes_its_files(
    services: dict[str, ServiceProcess], kafka_bootstrap: str, tmp_path: Path
) -> None:
    told: list[str] = []
    urls = (services["membership"].url, services["meetings"].url)
    with Scenario(*urls, kafka_bootstrap, TOKENS) as scenario:
        scenario.run(told.append)
    with Money(services["finance"].url, TOKENS, tmp_path / "finance") as money:
        figures = money.run(told.append)
        again = money.run(told.append)
    assert figures["venue"] == (747_600, 62_400)
    assert figures["catering"] == (0, 30_000)
    assert figures["june"] == "rejected"
    assert figures["fees"] == {"p-03": "7.120,00 kr", "p-04": "14.240,00 kr"}
    assert again == figures
    rows = list(
        csv.DictReader(
            io.StringIO(Path(figures["files"]["csv"]).read_text("utf-8-sig")), delimiter=";"
        )
    )
    assert sorted(r["Beløb (kr)"] for r in rows) == ["0,00", "14240,00", "7120,00", "7476,00"]
    for name in ("xlsx", "statement-p-03", "statement-p-04"):
        assert Path(figures["files"][name]).stat().st_size > 1000
    assert any("is rejected: due 2025-06-10 is 9 days after receipt" in line for line in told)
