"""The browser tests' system: the four services and kn-web as processes on real Kafka and
PostgreSQL (started once for the package), and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from kn_deploy.services import ServiceProcess, start_service
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.demo_services import demo_services
from tests.support.private_infra import on_free_ports
from tests.web import story

CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by `kn infra prepare`
SERVICES = ("membership", "meetings", "finance", "reporting")


@dataclass(frozen=True)
class System:
    """Where the services and the web app answer."""

    urls: dict[str, str]
    web: str


def start_web(urls: dict[str, str], logs: Path) -> ServiceProcess:
    """The web app on a free port (another, if that one is taken before it binds)."""
    env = {f"KN_WEB_{name.upper()}_URL": url for name, url in urls.items()}
    env["KN_WEB_SECRET_KEY"] = "browser-tests-secret-key-0123456789"

    def start(port: int) -> ServiceProcess:
        web = start_service("web", env, logs, port=port)
        try:
            web.wait_healthy(probe="/health")
        except BaseException:
            web.stop()
            raise
        return web

    return on_free_ports(1, start)


@pytest.fixture(scope="package")
def system(
    kafka_admin: KafkaAccess, test_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    logs = tmp_path_factory.mktemp("web-logs")
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        demo_services(
            SERVICES,
            kafka_admin=kafka_admin,
            database_url=test_database_url,
            logs=logs,
            monkeypatch=monkeypatch,
        ) as running,
    ):
        urls = {name: process.url for name, process in running.items()}
        story.seed(urls, kafka_admin)
        web = start_web(urls, logs)
        try:
            yield System(urls, web.url)
        finally:
            web.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `.venv/bin/kn infra prepare` (as root)")
    found = playwright.chromium.launch(executable_path=CHROMIUM)
    yield found
    found.close()
