"""Every route answers bad input with a 4xx that names the rule or the field, and only the
roles DOMAIN allows may write or read (EKM writes; a coordinator notifies bookings and reads
their own network; an auditor reads)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.finance.facts import NETWORK
from tests.finance.service import AALBORG, AUDITOR, EKM, ESBJERG, Finance
from tests.finance.story import (
    BASE_2022,
    INDEXED_2025,
    MARCH,
    coordinators,
    held,
    invoice_body,
    network,
    recorded,
    scheduled,
    worked_example,
)

pytestmark = pytest.mark.infra


def refused(answer: httpx.Response, status: int, says: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert says in answer.text, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_rate_tables_refuse_what_cannot_be_resolved(finance: Finance) -> None:
    post = finance.post
    refused(await post("/v1/rate-tables", INDEXED_2025), 422, "no rate table for 2022 to index")
    assert (await post("/v1/rate-tables", BASE_2022)).json()["revision"] == 1
    both = {**BASE_2022, "year": 2025, "index_factor": "1.1", "index_base_year": 2022}
    body = refused(await post("/v1/rate-tables", both), 422, "not both")
    assert body["rule"].startswith("Pool payouts 5")
    refused(await post("/v1/rate-tables", {"year": 2025}), 422, "neither")
    refused(await post("/v1/rate-tables", {**BASE_2022, "year": 1900}), 422, "year")
    refused(await post("/v1/rate-tables", BASE_2022, AALBORG), 403, "role ekm")
    refused(await finance.http.post("/v1/rate-tables", json=BASE_2022), 401, "bearer")
    body = refused(
        await finance.http.get("/v1/rate-tables/2026", headers=EKM), 422, "no rate table for 2026"
    )
    assert body["rule"].startswith("Pool payouts 5")
    again = await post("/v1/rate-tables", {**BASE_2022, "reason": "corrected"})
    assert again.json()["revision"] == 2


async def test_invoices_refuse_only_what_is_not_an_invoice(finance: Finance) -> None:
    await worked_example(finance)
    post = finance.post
    refused(
        await post("/v1/invoices", invoice_body("venue-0312", 1)), 409, "do not register it again"
    )
    refused(await post("/v1/invoices", invoice_body("x", 1, cost_kind="wine")), 422, "cost_kind")
    refused(
        await post("/v1/invoices", invoice_body("x", 1, supplier_cvr="12")), 422, "supplier_cvr"
    )
    cpr = {"kind": "nemkonto", "reference": "010190-1234"}
    refused(await post("/v1/invoices", invoice_body("x", 1, payee=cpr)), 422, "CPR")
    short = {"kind": "danish_account", "reference": "9570-12"}
    refused(await post("/v1/invoices", invoice_body("x", 1, payee=short)), 422, "4 digits")
    refused(await post("/v1/invoices", invoice_body("x", 1), AALBORG), 403, "role ekm")
    lost = invoice_body("lost", 100, network_id=None)
    assert (await post("/v1/invoices", lost)).status_code == 201
    await finance.invoice_until("_none", "lost", "rejected")
    override = "/v1/networks/_none/invoices/lost/override"
    refused(
        await post(override, {"decision": "approve", "reason": "paid anyway"}),
        422,
        "names no network",
    )
    base = "/v1/networks/aalborg-oest/invoices"
    moved = invoice_body("moved", 100, meeting_date="2025-03-13")
    assert (await post("/v1/invoices", moved)).status_code == 201
    body = refused(
        await post(f"{base}/moved/override", {"decision": "approve", "reason": "held anyway"}),
        422,
        "approved_amount is needed",
    )
    assert body["rule"].startswith("Pool payouts 7")
    sized = {"decision": "approve", "reason": "held anyway", "approved_amount": 5_000}
    assert (await post(f"{base}/moved/override", sized)).status_code == 200
    refused(
        await post(f"{base}/nope/override", {"decision": "reject", "reason": "none"}),
        404,
        "no invoice nope",
    )
    refused(
        await post(
            f"{base}/venue-0312/override",
            {"decision": "reject", "reason": "twice", "approved_amount": 5},
        ),
        422,
        "approve' only",
    )
    refused(
        await post(f"{base}/venue-0312/override", {"decision": "reject", "reason": "x"}),
        422,
        "reason",
    )
    refused(
        await post(f"{base}/venue-0312/override", {"decision": "reject", "reason": "no!"}, AALBORG),
        403,
        "role ekm",
    )
    refused(await finance.http.get(f"{base}/nope", headers=EKM), 404, "no invoice nope")
    body = refused(await finance.http.get(base, headers=ESBJERG), 403, "may not read or act")
    assert body["rule"].startswith("Coordinator 1")
    assert (await finance.http.get(base, headers=AALBORG)).status_code == 200
    assert (await finance.http.get(base, headers=AUDITOR)).status_code == 200


async def test_bookings_entitlement_and_fees_name_what_is_missing(finance: Finance) -> None:
    await worked_example(finance)
    post, network = finance.post, "/v1/networks/aalborg-oest"
    booking = {
        "booking_id": "b-0312",
        "meeting_date": "2025-03-12",
        "cost_kinds": ["venue", "catering"],
        "supplier_name": "Fysio Øst Lokaler ApS",
        "expected_amount": 840_000,
    }
    assert (await post(f"{network}/bookings", booking, AALBORG)).status_code == 201
    refused(await post(f"{network}/bookings", booking, AALBORG), 409, "notified already")
    refused(
        await post(
            f"{network}/bookings", {**booking, "booking_id": "b2", "cost_kinds": ["wine"]}, AALBORG
        ),
        422,
        "wine",
    )
    refused(await post(f"{network}/bookings", booking, ESBJERG), 403, "may not read or act")
    refused(await post(f"{network}/bookings", booking, AUDITOR), 403, "role ekm or coordinator")
    listed = (await finance.http.get(f"{network}/bookings", headers=AALBORG)).json()
    assert [b["booking_id"] for b in listed["bookings"]] == ["b-0312"]
    get = finance.http.get
    refused(
        await get(f"{network}/meetings/2025-13-01/entitlement", headers=EKM),
        404,
        "no meeting 2025-13-01",
    )
    refused(
        await get(f"{network}/meetings/2025-06-11/entitlement", headers=EKM), 422, "has not arrived"
    )
    refused(
        await get(f"{network}/fee", params={"year": 2026}, headers=EKM),
        422,
        "no rate table for 2026",
    )
    refused(await get(f"{network}/fee", params={"year": 1999}, headers=EKM), 422, "year")
    refused(
        await get("/v1/networks/nowhere/fee", params={"year": 2025}, headers=EKM),
        404,
        "no network nowhere",
    )
    refused(await get(f"{network}/fee/2025/statement/p-99.pdf", headers=EKM), 404, "p-99")
    refused(await post("/v1/fees/2024/close", None), 422, "no rate table for 2024")
    refused(await post("/v1/fees/2025/close", None, AALBORG), 403, "role ekm")
    assert (await post("/v1/fees/2025/close", None)).status_code == 200
    refused(await post("/v1/fees/2025/close", None), 409, "was closed on 2026-01-15")
    period = {"from": "2025-12-31", "until": "2025-01-01"}
    refused(await get("/v1/payouts.csv", params=period, headers=EKM), 422, "before it starts")
    refused(await get("/v1/payouts.csv", params={"until": "2025-01-01"}, headers=EKM), 422, "from")
    refused(
        await get("/v1/payouts.xlsx", params=period, headers=AALBORG), 403, "role ekm or auditor"
    )


async def test_a_supplier_invoice_registered_in_another_network_is_rejected_as_a_duplicate(
    finance: Finance,
) -> None:
    await worked_example(finance)
    await finance.publish("membership", network("esbjerg", "Esbjerg"))
    again = invoice_body(
        "esb-1",
        8_100,
        network_id="esbjerg",
        supplier_cvr=None,
        supplier_invoice_number="f venue0312",
    )
    assert (await finance.post("/v1/invoices", again)).status_code == 201
    found = await finance.invoice_until("esbjerg", "esb-1", "rejected")
    duplicate = [r for r in found["reasons"] if r["code"] == "duplicate"]
    # its coordinator reads the reasons: the other network's invoice is named to EKM only
    assert "received before in another network's account (EKM sees which)" in duplicate[0]["text"]
    assert found["earlier_copy"] == {"invoice": "aalborg-oest/venue-0312", "status": "waiting"}
    first = await finance.get("/v1/networks/aalborg-oest/invoices/venue-0312")
    assert first["later_copies"] == [{"invoice": "esbjerg/esb-1", "status": "rejected"}]


async def test_an_invoice_with_a_mistyped_cvr_is_rejected_as_a_possible_copy_until_ekm_decides(
    finance: Finance,
) -> None:
    await worked_example(finance)
    await finance.publish("membership", network("esbjerg", "Esbjerg"))
    typo = invoice_body("esb-2", 8_100, network_id="esbjerg", supplier_cvr="12345687",
                        supplier_invoice_number="F-venue-0312")  # fmt: skip
    assert (await finance.post("/v1/invoices", typo)).status_code == 201
    found = await finance.invoice_until("esbjerg", "esb-2", "rejected")
    assert "possible_duplicate" in [r["code"] for r in found["reasons"]]
    assert found["possible_copies"] == [{
        "invoice": "aalborg-oest/venue-0312", "status": "waiting",
        "supplier_name": "Fysio Øst Lokaler ApS", "supplier_cvr": "12345678", "amount": 810000,
        "meeting_date": "2025-03-12", "not_a_copy": False,
    }]  # fmt: skip
    listed = await finance.get("/v1/networks/esbjerg/invoices")
    assert listed["invoices"][0]["possible_copies"] == found["possible_copies"]
    coordinator = await finance.get("/v1/networks/esbjerg/invoices/esb-2", headers=ESBJERG)
    assert "possible_copies" not in coordinator  # another network's invoice: EKM's to see
    first = await finance.get("/v1/networks/aalborg-oest/invoices/venue-0312")
    assert first["possible_copies"] == [{
        "invoice": "esbjerg/esb-2", "status": "rejected", "supplier_name": "Fysio Øst Lokaler ApS",
        "supplier_cvr": "12345687", "amount": 810000, "meeting_date": "2025-03-12",
        "not_a_copy": False,
    }]  # fmt: skip
    pay = {"decision": "approve", "reason": "the one to pay", "approved_amount": 500_000}
    override = "/v1/networks/esbjerg/invoices/esb-2/override"
    refused(await finance.post(override, pay), 409, "which the checks may approve")
    refused(await finance.post(override, pay | {"not_copy_of": ["esbjerg/esb-9"]}), 422,
            "esbjerg/esb-9 is no possible copy of esb-2")  # fmt: skip
    pay |= {"reason": "another clinic's venue, checked by phone",
            "not_copy_of": ["aalborg-oest/venue-0312"]}  # fmt: skip
    answer = await finance.post(override, pay)
    assert (answer.status_code, answer.json()["status"]) == (200, "approved"), answer.text
    first = await finance.get("/v1/networks/aalborg-oest/invoices/venue-0312")
    assert first["status"] == "waiting"  # EKM's approval of the second leaves the first be
    assert first["possible_copies"][0]["not_a_copy"] is True


async def test_a_copy_stays_rejected_when_its_first_is_rejected_and_says_ekm_may_approve_it(
    finance: Finance,
) -> None:
    await worked_example(finance)
    await finance.publish("membership", network("esbjerg", "Esbjerg"))
    copy = invoice_body(
        "esb-1", 8_100, network_id="esbjerg", supplier_invoice_number="F-venue-0312"
    )
    assert (await finance.post("/v1/invoices", copy)).status_code == 201
    pay = {"decision": "approve", "reason": "the one to pay", "approved_amount": 747_600}
    esbjerg = "/v1/networks/esbjerg/invoices/esb-1/override"
    refused(await finance.post(esbjerg, pay), 409, "which EKM has not rejected")
    wrong = {"decision": "reject", "reason": "registered under the wrong network"}
    answer = await finance.post("/v1/networks/aalborg-oest/invoices/venue-0312/override", wrong)
    assert answer.status_code == 200, answer.text
    assert answer.json()["later_copies"] == [{"invoice": "esbjerg/esb-1", "status": "rejected"}]
    still = await finance.get("/v1/networks/esbjerg/invoices/esb-1")
    assert still["status"] == "rejected"  # money moves across accounts only by EKM
    assert still["earlier_copy"]["status"] == "rejected"
    assert "EKM approves it with a reason" in still["earlier_copy"]["note"]
    listed = await finance.get("/v1/networks/esbjerg/invoices")
    assert listed["invoices"][0]["earlier_copy"] == still["earlier_copy"]
    answer = await finance.post(esbjerg, pay)
    assert (answer.status_code, answer.json()["status"]) == (200, "approved"), answer.text
    assert answer.json()["approved"] == 747_600
    again = {"decision": "approve", "reason": "after all"}
    aalborg = "/v1/networks/aalborg-oest/invoices/venue-0312/override"
    refused(
        await finance.post(aalborg, again), 409, "approved, or approved by EKM, as esbjerg/esb-1"
    )
    coordinator = await finance.get("/v1/networks/esbjerg/invoices/esb-1", headers=ESBJERG)
    assert "earlier_copy" not in coordinator  # another network's invoice: EKM's to see


async def test_an_invoice_for_one_of_two_meetings_that_day_is_paid_only_when_it_names_it(
    finance: Finance,
) -> None:
    evening = "2025-03-12-2"
    await finance.publish("membership", network(), *coordinators())
    await finance.publish(
        "meetings",
        scheduled(MARCH),
        scheduled(MARCH).model_copy(update={"meeting_id": evening}),
        held(),
        held().model_copy(update={"meeting_id": evening}),
        recorded(owners=14),
        recorded(owners=3).model_copy(update={"meeting_id": evening}),
    )
    for table in (BASE_2022, INDEXED_2025):
        assert (await finance.post("/v1/rate-tables", table)).status_code == 201
    assert (await finance.post("/v1/invoices", invoice_body("by-date", 1_602))).status_code == 201
    found = await finance.invoice_until(NETWORK, "by-date", "rejected")
    assert [r["code"] for r in found["reasons"]] == ["meeting_ambiguous"]
    listed = (await finance.get(f"/v1/networks/{NETWORK}/invoices"))["invoices"]
    assert [c["meeting_id"] for c in listed[0]["meeting_choices"]] == [MARCH, evening]
    path = f"/v1/networks/{NETWORK}/invoices/by-date/meeting"
    typo = await finance.post(path, {"meeting_id": "2025-03-13", "reason": "typo"})
    refused(typo, 422, f"no meeting 2025-03-13 of {NETWORK} in 2025, the year of the invoice")
    coordinator = await finance.post(path, {"meeting_id": evening, "reason": "it is"}, AALBORG)
    refused(coordinator, 403, "role ekm")
    naming = {"meeting_id": evening, "reason": "the venue's invoice is for the evening meeting"}
    answer = await finance.post(path, naming)
    assert answer.status_code == 200, answer.text
    assert answer.json()["named_meeting_id"] == evening
    # decided on what finance knows by then: the evening's list may still be on its way
    paid = await finance.invoice_until(NETWORK, "by-date", "approved")
    assert (paid["status"], paid["meeting_id"], paid["counted"]) == ("approved", evening, 3)
    assert (paid["approved"], paid["named_meeting_id"]) == (160_200, evening)
    assert paid["meeting_named_by_ekm"] == naming
    named = invoice_body("by-id", 1_602, meeting_id=evening, supplier_invoice_number="F-by-id")
    assert (await finance.post("/v1/invoices", named)).status_code == 201
    also = await finance.invoice_until(NETWORK, "by-id", "approved")
    assert (also["meeting_id"], also["approved"]) == (evening, 0)  # the evening's 3 x 534 kr
    assert also["not_covered"] == 160_200  # are used by the first
