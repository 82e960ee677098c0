"""`make demo`'s money: the worked example's year through the three service processes, the
files it writes, and a second run that records nothing new."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kn_deploy.scenario import Scenario
from kn_deploy.scenario_money import Money
from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.demo_services import TOKENS, services_fixture

pytestmark = pytest.mark.infra
SERVICES = ("membership", "meetings", "finance")


services = services_fixture(SERVICES, first_port=18320)


def test_the_demo_adds_the_years_money_and_writes_its_files(
    services: dict[str, ServiceProcess], kafka_admin: KafkaAccess, tmp_path: Path
) -> None:
    told: list[str] = []
    urls = (services["membership"].url, services["meetings"].url)
    with Scenario(*urls, kafka_admin, TOKENS) as scenario:
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
