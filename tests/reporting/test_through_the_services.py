"""The worked example played through the real membership, meetings and finance services
(the demo's scenario), reported by the real reporting service: every fact as its owner
actually publishes it, as processes on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from kn_deploy.audit import Audit, replay
from kn_deploy.scenario import Scenario, until
from kn_deploy.scenario_money import Money
from kn_deploy.services import ServiceProcess
from kn_rules.audit import AsOf
from kn_rules.scheme_files import load_scheme
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.demo_services import TOKENS, services_fixture
from tests.support.http import HTTP
from tests.support.persons import as_person

pytestmark = pytest.mark.infra
SERVICES = ("membership", "meetings", "finance", "reporting")


# one system for both tests: each reads what the worked example left (a second play of it
# would record nothing: its commands carry the demo's Idempotency-Keys)
services = services_fixture(SERVICES, scope="module")


@pytest.fixture(scope="module")
def played(
    services: dict[str, ServiceProcess],
    kafka_admin: KafkaAccess,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, ServiceProcess]:
    play_worked_example(services, kafka_admin, tmp_path_factory.mktemp("played"))
    return services


def play_worked_example(
    services: dict[str, ServiceProcess], kafka_admin: KafkaAccess, tmp_path: Path
) -> None:
    """The demo's worked example through membership, meetings and finance."""
    urls = (services["membership"].url, services["meetings"].url)
    with Scenario(*urls, kafka_admin, TOKENS) as scenario:
        scenario.run(lambda _: None)
    with Money(services["finance"].url, TOKENS, tmp_path / "money") as money:
        money.run(lambda _: None)


def status_when(url: str, ready: Any, within: float = 60) -> Any:
    headers = as_person("p-04")  # the coordinator today, B of the worked example

    def status() -> Any:
        answer = HTTP.get(f"{url}/v1/networks/aalborg-oest/annual-status/2025", headers=headers)
        return answer.json() if answer.status_code == 200 else None

    return until(status, lambda body: body is not None and ready(body), within=within)


def test_the_services_facts_make_the_worked_examples_annual_status(
    played: dict[str, ServiceProcess], tmp_path: Path
) -> None:
    services = played
    status = status_when(
        services["reporting"].url,
        lambda s: (
            s["figures"]["money"]["fee"]["status"] == "due"
            and len(s["figures"]["money"]["invoices"]) == 3
        ),
    )
    figures = status["figures"]
    assert figures["members"]["on_31_december"] == 18
    [meeting] = [m for m in figures["meetings"] if m["status"] == "held"]
    assert meeting["attendance"] == {
        "member_owner": 14, "other_network_owner": 0, "employee": 2, "guest": 0,
    }  # fmt: skip
    assert "below 2 meetings: 1 held in 2025" in [f["text"] for f in status["flags"]]
    m = figures["money"]
    assert (m["pool_used"], m["pool_entitlement"]) == (747600, 747600)
    assert [(p["person_id"], p["months"], p["amount"]) for p in m["fee"]["payees"]] == [
        ("p-03", 4, 712000), ("p-04", 8, 1424000),
    ]  # fmt: skip
    [june] = [i for i in m["invoices"] if i["received_date"] == "2025-06-01"]
    assert june["status"] == "rejected"
    assert any("Pool payouts 4" in reason for reason in june["reasons"])
    spells = figures["coordinators"]["spells"]
    assert [s["start"] for s in spells] == ["2025-01-01", "2025-05-20"]
    pdf = httpx.get(
        f"{services['reporting'].url}/v1/networks/aalborg-oest/annual-status/2025.pdf",
        headers={"Authorization": "Bearer demo-ekm"},
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Under 2 møder: 1 afholdt i 2025",
        "brugt 7.476,00 kr af en ramme på 7.476,00 kr",
        "7.120,00 kr",
        "14.240,00 kr",
        "opgjort (året er lukket)",
    ):
        assert expected in text, expected
    (tmp_path / "aarlig-status.pdf").write_bytes(pdf.content)


def test_reporting_serves_the_audits_figures_with_the_digest_kn_audit_prints(
    played: dict[str, ServiceProcess], kafka_admin: KafkaAccess
) -> None:
    services = played
    today = copenhagen_date(dt.datetime.now(dt.UTC))
    prefix = os.environ["KN_TOPIC_PREFIX"]
    scheme = load_scheme("fysioterapi")

    def replayed() -> Audit:
        return asyncio.run(replay(kafka_admin, AsOf(today), scheme, prefix, False))

    # finance publishes its payouts after the scenario's last request: wait for them
    found = until(replayed, lambda audit: audit.differences == [], within=60)
    assert found.figures["totals"]["2025"]["pool_paid"] == 747_600
    auditor = {"Authorization": "Bearer demo-auditor"}

    def served() -> Any:
        url = f"{services['reporting'].url}/v1/audit"
        return HTTP.get(url, params={"as_of": today.isoformat()}, headers=auditor).json()

    body = until(served, lambda b: b.get("digest") == found.digest, within=60)
    assert body["figures"] == found.figures
    assert body["differences"] == []
    coordinator = as_person("p-04")
    refused = httpx.get(
        f"{services['reporting'].url}/v1/audit", params={"as_of": "2025-12-31"}, headers=coordinator
    )
    assert refused.status_code == 403
