"""What an operator sees at /metrics (issue 17 item 5): requests by route and status, and a
projection's lag, which rises while it cannot write and falls to 0 once it can."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import pytest

from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import opened
from tests.membership.service import EKM, Membership, membership_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


def lag(text: str, projection: str) -> int:
    found = re.findall(
        rf'kn_projection_lag{{partition="\d+",projection="{projection}",[^}}]*}} (\S+)', text
    )
    return int(sum(float(value) for value in found))


async def scrape(membership: Membership) -> str:
    answer = await membership.http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


async def test_metrics_show_requests_by_route_and_a_paused_projections_lag(
    kafka_admin: KafkaAccess, test_database_url: str
) -> None:
    async with membership_service(kafka_admin, test_database_url) as membership:
        await membership.http.get("/v1/networks/aalborg-oest/members", headers=EKM,
                                  params={"on": "2025-01-01"})  # fmt: skip
        text = await scrape(membership)
        assert re.search(
            r'kn_http_requests_total\{method="GET",route="/v1/networks/\{network_id\}/members",'
            r'status="200"\} 1\.0', text
        ), text  # fmt: skip
        assert 'route="/v1/networks",status="201"' in text
        conn = await asyncpg.connect(test_database_url)
        try:
            schema = await conn.fetchval(
                f"SELECT schema_name FROM \"{membership.schema}\".kn_projection_live "
                "WHERE projection = 'region_feed'"
            )  # fmt: skip
            async with conn.transaction():
                # the feed cannot move its offsets while this holds: it is paused
                await conn.execute(f'LOCK TABLE "{schema}".kn_offsets IN EXCLUSIVE MODE')
                for n in range(5):
                    await membership.publish(
                        opened(f"10010{n}", f"p-{n}", "Lars Bech", "klinik-nord",
                               dt.date(2025, 1, 1))
                    )  # fmt: skip
                await eventually(
                    lambda: scrape(membership),
                    lambda text: lag(text, "region_feed") == 5,
                    what="the paused feed 5 behind",
                )
        finally:
            await conn.close()
        await eventually(
            lambda: scrape(membership),
            lambda text: lag(text, "region_feed") == 0,
            what="the feed caught up",
        )
        text = await scrape(membership)
        assert re.search(
            r'kn_projection_events_applied_total\{projection="region_feed"\} [1-9]', text
        )
        assert "kn_relay_backlog" in text
