"""DOMAIN's worked example through HTTP and Kafka: the pool, the fee, the payouts."""

from __future__ import annotations

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_contracts.events.payouts import CoordinatorFeeDue, PoolPayoutApproved
from kn_contracts.topics import FINANCE_PAYOUTS
from tests.finance.service import Finance
from tests.finance.story import MARCH, recorded, worked_example
from tests.support.kafka import read_all
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
INVOICES = "/v1/networks/aalborg-oest/invoices"


async def test_the_worked_example_pays_the_pool_and_the_fee(finance: Finance) -> None:
    await worked_example(finance)
    await eventually(  # the meeting is held, its list has not arrived
        lambda: finance.get(f"{INVOICES}/venue-0312"),
        lambda view: [r["code"] for r in view.get("reasons", [])] == ["no_attendance_list"],
        what="venue waiting for the list",
    )
    june = await finance.invoice_until("aalborg-oest", "venue-0611", "rejected")
    assert "due_too_soon" in [r["code"] for r in june["reasons"]]

    await finance.publish("meetings", recorded())
    venue = await finance.invoice_until("aalborg-oest", "venue-0312", "approved")
    assert (venue["entitlement"], venue["approved"], venue["not_covered"]) == (
        747_600,
        747_600,
        62_400,
    )
    assert (venue["approved_text"], venue["not_covered_text"]) == ("7.476,00 kr", "624,00 kr")
    catering = await finance.invoice_until("aalborg-oest", "catering-0312", "approved")
    assert (catering["approved"], catering["not_covered"]) == (0, 30_000)
    entitled = await finance.get(f"/v1/networks/aalborg-oest/meetings/{MARCH}/entitlement")
    assert (entitled["counted"], entitled["entitlement"], entitled["left"]) == (14, 747_600, 0)

    fee = await finance.get("/v1/networks/aalborg-oest/fee", year=2025)
    assert fee["status"] == "preview"
    assert [(p["person_id"], p["months_paid"], p["amount"]) for p in fee["payees"]] == [
        ("p-03", 4, 712_000),
        ("p-04", 8, 1_424_000),
    ]
    closed = await finance.post("/v1/fees/2025/close", None)
    assert closed.status_code == 200, closed.text

    payouts = await eventually(
        finance.payouts, lambda found: len(found) == 4, what="two pool payouts and two fees due"
    )
    pool = sorted((e.invoice_id, e.amount) for e in payouts if isinstance(e, PoolPayoutApproved))
    assert pool == [("catering-0312", 0), ("venue-0312", 747_600)]
    fees = sorted(
        (e.person_id, e.months, e.amount, str(e.payable_from))
        for e in payouts
        if isinstance(e, CoordinatorFeeDue)
    )
    assert fees == [("p-03", 4, 712_000, "2026-02-01"), ("p-04", 8, 1_424_000, "2026-02-01")]


async def test_payouts_reach_kafka_as_cloudevents_keyed_by_network(finance: Finance) -> None:
    await worked_example(finance)
    await finance.publish("meetings", recorded())
    topic = finance.box.topic(FINANCE_PAYOUTS.name)
    [record, *_] = await eventually(
        lambda: read_all(finance.box.kafka, topic),
        lambda found: len(found) == 2,
        what="two pool payouts",
    )
    event = from_binary_event(KafkaMessage(dict(record.headers), record.key, record.value))
    assert event.get_source() == "/kvalitetsnet/finance"
    assert event.get_type() == "dk.kvalitetsnet.finance.PoolPayoutApproved.v1"
    assert record.key == b"aalborg-oest"
    data = event.get_data()
    assert isinstance(data, dict)
    assert "cpr" not in str(data).lower()
