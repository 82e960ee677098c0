"""A second scheme is data (DOMAIN "Other schemes"): specialist doctors' clusters (eKVIS) pay
catering per participant, more at an outside venue, and external speakers up to a yearly
cap; one year of it runs on the scheme file and its rate table, with no code of its own."""

from __future__ import annotations

from typing import Any

import pytest

from kn_deploy import infra
from tests.finance.service import EKM, finance_service
from tests.finance.story import (
    JUNE,
    MARCH,
    coordinators,
    held,
    invoice_body,
    network,
    recorded,
    scheduled,
)

pytestmark = pytest.mark.infra
STANDARD = {"tier": "standard", "amount": 50_000}
EKVIS_2025: dict[str, Any] = {
    "year": 2025,
    "amounts": {
        "pool": [
            STANDARD,
            {"tier": "outside_venue", "amount": 75_000},
        ],
        "coordinator_fee": 1_200_000,
        "yearly_caps": [{"cost_kind": "external_speaker", "amount": 1_000_000}],
    },
}


async def test_one_year_under_a_second_scheme_needs_only_its_file_and_rates(
    endpoints: infra.Endpoints,
) -> None:
    database = endpoints.databases["finance"]
    async with finance_service(endpoints.kafka(), database, scheme="ekvis") as finance:
        await finance.publish("membership", network(), *coordinators())
        await finance.publish(
            "meetings",
            scheduled(MARCH),
            scheduled(JUNE),
            held(MARCH),
            held(JUNE),
            recorded(MARCH, owners=9),
            recorded(JUNE, owners=9),
        )
        table = await finance.post("/v1/rate-tables", EKVIS_2025)
        assert table.status_code == 201, table.text
        assert sorted(table.json()["counted"]) == [
            "employee",
            "guest",
            "member_owner",
            "other_network_owner",
        ]
        march = {"cost_kind": "catering", "due_date": "2025-04-30"}
        june = {
            **march,
            "meeting_date": JUNE,
            "received_date": "2025-06-12",
            "due_date": "2025-07-01",
            "coordinator_name": "Bo Bertelsen",
        }
        for body in (
            invoice_body("food-0312", 6000, **march),
            invoice_body("food-0611", 9000, tier="outside_venue", **june),
            invoice_body("talk-0312", 6000, **{**march, "cost_kind": "external_speaker"}),
            invoice_body("talk-0611", 5000, **{**june, "cost_kind": "external_speaker"}),
        ):
            answer = await finance.post("/v1/invoices", body, EKM)
            assert answer.status_code == 201, answer.text
        found = {}
        for invoice in ("food-0312", "food-0611", "talk-0312", "talk-0611"):
            view = await finance.invoice_until("aalborg-oest", invoice, "approved")
            found[invoice] = (view["counted"], view["entitlement"], view["approved"])
        # 9 owners and 2 employees: per participant, 11 count
        assert found == {
            "food-0312": (11, 550_000, 550_000),
            "food-0611": (11, 825_000, 825_000),
            "talk-0312": (None, 1_000_000, 600_000),
            "talk-0611": (None, 1_000_000, 400_000),
        }
        fee = await finance.get("/v1/networks/aalborg-oest/fee", year=2025)
        assert [p["amount"] for p in fee["payees"]] == [400_000, 800_000]
        # a revision may change a tier's amount, not drop a tier an invoice was paid at
        dropped = {**EKVIS_2025, "amounts": {**EKVIS_2025["amounts"], "pool": [STANDARD]}}
        refused = await finance.post("/v1/rate-tables", dropped)
        assert refused.status_code == 422, refused.text
        assert "would lose tier outside_venue, at which invoice food-0611 was paid" in refused.text
