"""The demo's story (DOMAIN's worked example) through real service processes and Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kn_deploy.scenario import Scenario
from kn_deploy.services import ServiceProcess
from tests.support.demo_services import TOKENS, demo_services

pytestmark = pytest.mark.infra


@pytest.fixture
def services(
    kafka_bootstrap: str, test_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, ServiceProcess]]:
    with demo_services(
        ("membership", "meetings"),
        kafka_bootstrap=kafka_bootstrap,
        database_url=test_database_url,
        logs=tmp_path,
        first_port=18300,
        monkeypatch=monkeypatch,
    ) as running:
        yield running


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
