"""DOMAIN's worked example reported end to end: the facts on membership's, meetings' and
finance's topics, reporting's own projection of them, the annual status as JSON and PDF,
the coordinator's submission and EKM's acknowledgement on kn.reporting.events."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from kn_contracts.envelope import decode
from kn_contracts.events.reporting import AnnualStatusAcknowledged, AnnualStatusSubmitted
from kn_contracts.topics import catalog
from tests.reporting import example as ex
from tests.reporting.service import AALBORG, EKM, Reporting
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NARRATIVE = {
    "worked_on": "Datadrevet kvalitetsudvikling: vi så på vores PRO-data for lænd og nakke.",
    "agreements": "Hver klinik måler genoptræningsforløb på samme måde fra 1. april.",
    "follow_ups": "Opfølgning på mødet i efteråret, mindst seks måneder efter.",
}


def money(status: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = status["figures"]["money"]
    return found


async def test_the_worked_example_states_its_members_meeting_money_and_flag(
    service: Reporting,
) -> None:
    await service.publish([*ex.membership(), *ex.meetings(), *ex.finance()])
    status = await service.status_when(
        ex.NETWORK, ex.YEAR, lambda s: len(money(s)["invoices"]) == 3 and s["figures"]["meetings"]
    )
    figures = status["figures"]
    assert figures["network"] == {
        "network_id": ex.NETWORK,
        "name": "Aalborg Øst",
        "cluster_id": "aalborg",
        "cluster_name": "Aalborg",
    }
    assert (figures["members"]["on_1_january"], figures["members"]["on_31_december"]) == (18, 18)
    [meeting] = figures["meetings"]
    assert meeting["date"] == "2025-03-12"
    assert meeting["status"] == "held"
    assert meeting["attendance"] == {
        "member_owner": 14,
        "other_network_owner": 0,
        "employee": 2,
        "guest": 0,
    }
    assert meeting["covers_mandatory_topic"] is True
    assert len(meeting["absent"]) == 4 == len(figures["members_at_no_meeting"])
    assert [f["text"] for f in status["flags"]] == ["below 2 meetings: 1 held in 2025"]
    spells = figures["coordinators"]["spells"]
    assert [(s["start"], s["holders"][0]["name"]) for s in spells] == [
        ("2025-01-01", "Anne Andersen"),
        ("2025-05-20", "Bo Bech"),
    ]
    m = money(status)
    assert (m["pool_used"], m["pool_entitlement"]) == (747600, 747600)
    assert [(i["status"], i["approved"], i["not_covered"]) for i in m["invoices"]] == [
        ("approved", 747600, 62400),
        ("approved", 0, 30000),
        ("rejected", 0, 0),
    ]
    assert m["invoices"][2]["reasons"] == [
        "Pool payouts 4: due 9 days after receipt; at least 14 are needed"
    ]
    assert m["invoices"][2]["reason_codes"] == ["due_too_soon"]
    fee = m["fee"]
    assert fee["status"] == "preview"
    assert [(p["name"], p["months"], p["amount"]) for p in fee["payees"]] == [
        ("Anne Andersen", 4, 712000),
        ("Bo Bech", 8, 1424000),
    ]

    await service.publish(ex.fee_year_closed())
    closed = await service.status_when(
        ex.NETWORK,
        ex.YEAR,
        lambda s: money(s)["fee"]["status"] == "due",  # once finance's payouts arrived
    )
    assert [(p["person_id"], p["amount"]) for p in money(closed)["fee"]["payees"]] == [
        (ex.A[0], 712000),
        (ex.B[0], 1424000),
    ]

    pdf = await service.client.get(
        f"/v1/networks/{ex.NETWORK}/annual-status/2025.pdf", headers=AALBORG
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Årlig status 2025",
        "Kvalitetsnetværk: Aalborg Øst",
        "Sundhedsklynge: Aalborg",
        "Medlemmer 1. januar 2025: 18",
        "Medlemmer 31. december 2025: 18",
        "14 medlemmer (ejere)",
        "2 ansatte",
        "Under 2 møder: 1 afholdt i 2025",
        "brugt 7.476,00 kr af en ramme på 7.476,00 kr",
        "7.120,00 kr",
        "14.240,00 kr",
        "20.05.2025",
        "Bo Bech",
        "Ejer Nummer 18",
    ):
        assert expected in text, expected
    # the reason in Danish with its rule, not finance's English text (wrapped in the PDF)
    flat = " ".join(text.split())
    assert "Betalingsfristen er under 14 dage efter modtagelsen (Aktivitetspuljen, regel 4)" in flat
    assert "at least 14 are needed" not in flat


async def test_the_coordinator_submits_the_narrative_and_ekm_acknowledges_it(
    service: Reporting,
) -> None:
    await service.publish([*ex.membership(), *ex.meetings()])
    before = await service.status_when(ex.NETWORK, ex.YEAR, lambda s: s["figures"]["meetings"])
    url = f"/v1/networks/{ex.NETWORK}/annual-status/2025"

    ekm_submits = await service.client.post(f"{url}/submit", json=NARRATIVE, headers=EKM)
    assert ekm_submits.status_code == 403, ekm_submits.text
    assert ekm_submits.json()["rule"].startswith("Annual status")
    early = await service.client.post(f"{url}/acknowledge", json={}, headers=EKM)
    assert early.status_code == 422
    assert "not submitted yet" in early.json()["detail"]

    key = {**AALBORG, "Idempotency-Key": "status-2025-aalborg-oest"}
    submitted = await service.client.post(f"{url}/submit", json=NARRATIVE, headers=key)
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["submission"]["status"] == "submitted"
    assert body["submission"]["narrative"] == NARRATIVE
    assert body["submission"]["submitted_figures_sha256"] == before["figures_sha256"]
    again = await service.client.post(f"{url}/submit", json=NARRATIVE, headers=key)
    assert again.json() == body  # the same answer, nothing recorded twice
    twice = await service.client.post(f"{url}/submit", json=NARRATIVE, headers=AALBORG)
    assert twice.status_code == 409
    assert "submitted on 2026-01-20" in twice.json()["detail"]

    acknowledged = await service.client.post(
        f"{url}/acknowledge", json={"note": "Tak."}, headers=EKM
    )
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["submission"]["status"] == "acknowledged"
    assert (await service.status(ex.NETWORK, 2025))["submission"]["acknowledged_on"] == "2026-01-20"

    records = await eventually(
        service.reporting_events,
        lambda rs: len(rs) == 2,
        what="the submission and acknowledgement on kn.reporting.events",
    )
    events = [decode(r.headers, r.value, catalog())[1] for r in records]
    assert [type(e) for e in events] == [AnnualStatusSubmitted, AnnualStatusAcknowledged]
    assert events[0].actor == "coordinator:aalborg-oest/c-aalborg"  # the person who acted
    assert events[1].actor == "ekm"
    assert {r.key for r in records} == {ex.NETWORK.encode()}
    pdf = await service.client.get(f"{url}.pdf", headers=EKM)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Hver klinik måler genoptræningsforløb" in text
    assert "kvitteret af EKM 20.01.2026" in text


async def test_a_status_not_submitted_by_31_january_is_flagged_overdue(service: Reporting) -> None:
    await service.publish([*ex.membership(), *ex.meetings()])
    await service.status_when(ex.NETWORK, ex.YEAR, lambda s: s["figures"]["meetings"])
    service.clock.today = dt.date(2026, 1, 31)
    assert "overdue" not in [f["code"] for f in (await service.status(ex.NETWORK, 2025))["flags"]]
    service.clock.today = dt.date(2026, 2, 1)
    status = await service.status(ex.NETWORK, 2025)
    assert status["submission"]["overdue"] is True
    assert status["flags"][-1]["text"] == "overdue: not submitted by 2026-01-31"
