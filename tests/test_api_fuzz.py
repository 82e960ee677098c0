"""Bad input never breaks a service (Schemathesis, from each service's own OpenAPI): every
documented operation of the four services, as real processes on real Kafka and PostgreSQL,
gets generated requests — valid and invalid bodies, parameters and dates — as EKM, and
answers each with a status below 500 and, when it refuses, a JSON body saying why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.demo_services import demo_services
from tests.support.http import HTTP

pytestmark = pytest.mark.infra
SERVICES = ("membership", "meetings", "finance", "reporting")
EKM = {"Authorization": "Bearer demo-ekm"}
EXAMPLES = int(os.environ.get("KN_FUZZ_API", "3"))  # per operation, on average


@pytest.fixture(scope="module")
def running(
    kafka_admin: KafkaAccess, test_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    with pytest.MonkeyPatch.context() as patch, demo_services(
        SERVICES,
        kafka_admin=kafka_admin,
        database_url=test_database_url,
        logs=Path(tmp_path_factory.mktemp("api-fuzz")),
        monkeypatch=patch,
    ) as found:  # fmt: skip
        yield found


@pytest.fixture(scope="module")
def api(running: dict[str, ServiceProcess]) -> Any:
    """One schema holding every service's operations, each sent to its own service."""
    merged: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "kn", "version": "1"},
                              "paths": {}, "components": {"schemas": {}}}  # fmt: skip
    for name, process in running.items():
        document = httpx.get(f"{process.url}/openapi.json").json()
        for path, operations in document["paths"].items():
            if path in {"/metrics", "/docs"}:
                continue
            merged["paths"][f"/{name}{path}"] = operations
        merged["components"]["schemas"].update(document.get("components", {}).get("schemas", {}))
    return schemathesis.openapi.from_dict(merged)


@pytest.mark.timeout(60 + 30 * EXAMPLES)
def test_no_request_breaks_a_service(api: Any, running: dict[str, ServiceProcess]) -> None:
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 60
    cases = st.one_of([operation.as_strategy() for operation in operations])
    seen: set[str] = set()

    @given(case=cases)
    @settings(max_examples=EXAMPLES * len(operations), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def send(case: Any) -> None:
        seen.add(f"{case.method} {case.operation.path}")
        answered(case, running)

    send()
    assert len(seen) > len(operations) // 2  # the draws reached most operations


def answered(case: Any, running: dict[str, ServiceProcess]) -> None:
    service = case.operation.path.lstrip("/").partition("/")[0]
    url = running[service].url
    path = case.formatted_path.removeprefix(f"/{service}")
    answer = HTTP.request(
        case.method,
        f"{url}{path}",
        params=case.query,
        headers={**(case.headers or {}), **EKM},
        json=case.body if isinstance(case.body, dict | list | str | int | float) else None,
        timeout=30,
    )
    assert answer.status_code < 500, (case.method, path, case.body, answer.text[:500])
    if answer.status_code >= 400:
        body = answer.json()
        assert "detail" in body, (case.method, path, answer.text[:500])
