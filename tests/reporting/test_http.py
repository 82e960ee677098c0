"""Reporting's HTTP edge: who may read and act, what a refusal says, the PDF's font, and a
rebuild of its read model that answers the same figures."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from kn_deploy import infra
from tests.reporting import example as ex
from tests.reporting.service import (
    AALBORG,
    AUDITOR,
    COORDINATORS,
    EKM,
    ESBJERG,
    Reporting,
    reporting_service,
)

pytestmark = pytest.mark.infra

URL = f"/v1/networks/{ex.NETWORK}/annual-status/2025"
TEXT = {"worked_on": "PRO-data", "agreements": "Fælles måling", "follow_ups": "Efterår"}


async def ready(service: Reporting) -> None:
    await service.publish([*ex.membership(), *ex.meetings()])
    await service.status_when(ex.NETWORK, 2025, lambda s: s["figures"]["meetings"])


async def test_a_refusal_says_what_to_fix_and_names_its_rule(service: Reporting) -> None:
    await ready(service)
    assert (await service.client.get(URL)).status_code == 401
    other = await service.client.get(URL, headers=ESBJERG)
    assert other.status_code == 403
    assert other.json()["rule"] == "Coordinator 1: a coordinator acts for their own network only"
    unknown = await service.client.get("/v1/networks/ukendt/annual-status/2025", headers=EKM)
    assert unknown.status_code == 404
    assert "no network 'ukendt' is known to reporting" in unknown.json()["detail"]
    assert (await service.client.get(URL.replace("2025", "1999"), headers=EKM)).status_code == 422
    auditor = await service.client.post(f"{URL}/submit", json=TEXT, headers=AUDITOR)
    assert auditor.status_code == 403
    assert "needs role ekm or coordinator" in auditor.json()["detail"]
    missing = await service.client.post(f"{URL}/submit", json={"worked_on": "x"}, headers=AALBORG)
    assert missing.status_code == 422
    assert {e["loc"][-1] for e in missing.json()["detail"]} == {"agreements", "follow_ups"}
    future = await service.client.post(
        URL.replace("2025", "2027") + "/submit", json=TEXT, headers=AALBORG
    )
    assert future.status_code == 422
    assert "the year 2027 has not begun" in future.json()["detail"]
    assert (
        await service.client.post(f"{URL}/submit", json=TEXT, headers=AALBORG)
    ).status_code == 200
    assert (
        await service.client.post(f"{URL}/acknowledge", json={}, headers=EKM)
    ).status_code == 200
    twice = await service.client.post(f"{URL}/acknowledge", json={}, headers=EKM)
    assert twice.status_code == 409
    assert (
        twice.json()["detail"] == "the 2025 status of aalborg-oest was acknowledged on 2026-01-20"
    )


async def test_the_pdf_without_its_font_names_the_debian_package(
    endpoints: infra.Endpoints,
) -> None:
    async with reporting_service(
        endpoints.kafka(),
        endpoints.databases["reporting"],
        pdf_font=Path("/nonexistent/DejaVuSans.ttf"),
    ) as service:
        await ready(service)
        answer = await service.client.get(f"{URL}.pdf", headers=EKM)
        assert answer.status_code == 503
        assert (
            "install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)"
            in answer.json()["detail"]
        )
        assert (await service.client.get(URL, headers=EKM)).status_code == 200  # JSON still works


async def test_a_rebuilt_read_model_gives_the_same_figures(service: Reporting) -> None:
    await service.publish([*ex.membership(), *ex.meetings(), *ex.finance()])
    before = await service.status_when(
        ex.NETWORK, 2025, lambda s: len(s["figures"]["money"]["invoices"]) == 3
    )
    env = {
        **os.environ,
        **service.box.env("reporting"),
        "KN_REPORTING_DATABASE_URL": service.settings.database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kn_reporting",
        "rebuild",
        "report_facts",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    read = len(service.published) + len(COORDINATORS)  # and the fixture's coordinators
    assert f"rebuilt report_facts: {read} message(s) read" in out.decode()
    after = await service.status(ex.NETWORK, 2025)
    assert after["figures_sha256"] == before["figures_sha256"]
