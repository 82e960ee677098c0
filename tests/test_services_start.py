"""Each of the four services starts on its own against real Kafka and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kn_deploy import infra
from kn_deploy.services import PortHeld, ServiceProcess, start_service
from tests.support.private_infra import free_ports

pytestmark = pytest.mark.infra


def _env(endpoints: infra.Endpoints, service: str) -> dict[str, str]:
    return {
        **endpoints.service_env(service),
        f"KN_{service.upper()}_API_TOKENS": json.dumps({"t-auditor": "auditor"}),
    }


@pytest.fixture(scope="module")
def running(
    endpoints: infra.Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServiceProcess]]:
    logs: Path = tmp_path_factory.mktemp("service-logs")
    processes = []
    first = free_ports(len(infra.SERVICES))  # free ones: never another worker's or a leftover
    try:
        for offset, service in enumerate(infra.SERVICES):
            processes.append(start_service(service, _env(endpoints, service), logs, first + offset))
        yield processes
    finally:
        for process in processes:
            process.stop()


def test_every_service_reports_healthy_database_and_kafka(running: list[ServiceProcess]) -> None:
    for process in running:
        assert process.wait_healthy() == {
            "service": process.name,
            "pid": process.process.pid,
            "status": "ok",
            "checks": {"database": "ok", "kafka": "ok"},
        }


def test_a_service_started_on_a_port_another_holds_says_so_instead_of_passing_for_it(
    running: list[ServiceProcess], endpoints: infra.Endpoints, tmp_path: Path
) -> None:
    first = running[0]
    first.wait_healthy()
    second = start_service(first.name, _env(endpoints, first.name), tmp_path, port=first.port)
    try:
        with pytest.raises(PortHeld, match=f"could not take port {first.port}"):
            second.wait_healthy()
    finally:
        second.stop()
    assert first.wait_healthy()["pid"] == first.process.pid  # the first one still answers


def test_every_service_publishes_its_openapi_document(running: list[ServiceProcess]) -> None:
    for process in running:
        process.wait_healthy()
        document = httpx.get(f"{process.url}/openapi.json").json()
        assert document["info"]["title"] == f"Kvalitetsnet {process.name}"
        assert "/health" in document["paths"]


def test_every_service_logs_json_lines_naming_itself(running: list[ServiceProcess]) -> None:
    for process in running:
        process.wait_healthy()
        lines = [json.loads(line) for line in process.log_file.read_text().splitlines() if line]
        assert lines
        assert {line["service"] for line in lines} == {process.name}
        assert any(line["event"] == "service_started" for line in lines)


def test_every_services_api_docs_load_without_the_internet(running: list[ServiceProcess]) -> None:
    for process in running:
        process.wait_healthy()
        page = httpx.get(f"{process.url}/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources, page.text
        assert all(source.startswith("/docs/assets/") for source in sources), sources
        for source in sources:
            asset = httpx.get(f"{process.url}{source}")
            assert asset.status_code == 200, source
            assert len(asset.content) > 500, source


LOOPS = {
    "membership": {"relay", "region_feed", "keys"},
    "meetings": {
        "relay",
        "membership_view",
        "attendance_revisions",
        "annual_status_view",
        "keys",
        "membership_keys",
    },
    "finance": {"relay", "finance_inputs", "payouts_view"},
    "reporting": {"relay", "report_facts", "membership_keys", "meetings_keys"},
}


def test_every_service_says_when_its_background_loops_work(running: list[ServiceProcess]) -> None:
    for process in running:
        body = process.wait_healthy(probe="/ready")
        assert body["service"] == process.name
        assert set(body["ready"]) == LOOPS[process.name]
        assert all(body["ready"].values())


def test_every_service_shuts_down_gracefully_on_sigterm(running: list[ServiceProcess]) -> None:
    for process in running:
        process.wait_healthy()
    # uvicorn finishes its shutdown, then re-raises the signal it caught
    codes = {process.stop() for process in running}
    assert codes <= {0, -15}
    for process in running:
        events = [json.loads(line)["event"] for line in process.log_file.read_text().splitlines()]
        assert events.index("service_stopped") > events.index("service_started")
