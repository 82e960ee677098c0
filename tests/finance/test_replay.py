"""A replay of finance's projections from offset 0 gives the same tables and the same
decisions, and republishes nothing (DOMAIN Pool payouts 3: decisions follow from events)."""

from __future__ import annotations

import datetime as dt
import functools

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from kn_finance.adapters.reading import InputsReader
from kn_finance.adapters.scheme import load_scheme
from kn_finance.bootstrap import finance_inputs, payouts_view
from kn_finance.handlers.settle import settle_everything
from kn_servicekit.cause import Cause
from kn_servicekit.hosting import consumer_name
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.rebuild import rebuild_live
from tests.finance.service import Finance
from tests.finance.story import JUNE, held, recorded, worked_example
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
TABLES = {
    "fin_networks": "network_id, name",
    "fin_meetings": "network_id, meeting_id, meeting_date, status",
    "fin_lists": "network_id, meeting_id, revision, lines",
    "fin_coordinator_acts": "network_id, ce_type, body",
    "fin_payouts": "payout_id, kind, thing, amount, total",
}


async def contents(
    pool: asyncpg.Pool, schema: str, tables: list[str]
) -> dict[str, list[tuple[object, ...]]]:
    return {
        t: [
            tuple(r)
            for r in await pool.fetch(
                f'SELECT {TABLES[t]} FROM "{schema}".{t} ORDER BY {TABLES[t]}'
            )
        ]
        for t in tables
    }


async def test_a_replay_from_offset_0_gives_the_same_and_republishes_nothing(
    finance: Finance,
) -> None:
    await worked_example(finance)
    await finance.publish("meetings", recorded())
    await finance.invoice_until("aalborg-oest", "catering-0312", "approved")
    assert (await finance.post("/v1/fees/2025/close", None)).status_code == 200
    before = await eventually(finance.payouts, lambda found: len(found) == 4, what="4 payouts")
    settings = finance.settings
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=3)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        await eventually(
            lambda: pool.fetchval("SELECT count(*) FROM kn_projection_live"),
            lambda n: n == 2,
            what="both projections live",
        )
        for projection, catalog in (finance_inputs(settings), payouts_view(settings)):
            tables = ["fin_payouts"] if projection.name == "payouts_view" else list(TABLES)[:4]
            old = await pool.fetchval(
                "SELECT schema_name FROM kn_projection_live WHERE projection = $1", projection.name
            )
            await eventually(
                functools.partial(contents, pool, old, tables),
                lambda found: all(found.values()),
                what="rows to compare",
            )
            rebuilt = await rebuild_live(
                pool=pool,
                bootstrap=settings.kafka_bootstrap,
                producer=producer,
                consumer=consumer_name("finance", projection),
                projection=projection,
                catalog=catalog,
                now=dt.datetime.now(dt.UTC),
            )
            assert rebuilt.previous == old
            assert await contents(pool, rebuilt.schema, tables) == await contents(pool, old, tables)
        store = PostgresEventStore(pool, catalog, settings.topic_for)
        schema = await pool.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = 'finance_inputs'"
        )
        cause = Cause("finance", "replay-check", "replay-check", dt.date(2026, 1, 20))
        again = await settle_everything(
            store, InputsReader(pool, catalog, schema), load_scheme(settings.scheme), cause
        )
        assert again == []
        await finance.publish("meetings", held(JUNE))  # the live decider follows the rebuild
        await eventually(
            lambda: pool.fetchval(
                f'SELECT status FROM "{schema}".fin_meetings WHERE meeting_id = $1', JUNE
            ),
            lambda status: status == "held",
            what="the live decider in the rebuilt schema",
        )
        june = await finance.invoice_until("aalborg-oest", "venue-0611", "rejected")
        assert "meeting_not_held" not in [r["code"] for r in june["reasons"]]
        assert len(await finance.payouts()) == len(before)
    finally:
        await producer.stop()
        await pool.close()
