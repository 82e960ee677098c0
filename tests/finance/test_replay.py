"""A replay of finance's projections from offset 0 gives the same tables and the same
decisions, and republishes nothing (DOMAIN Pool payouts 3: decisions follow from events)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from kn_deploy import infra
from kn_finance.adapters.reading import InputsReader
from kn_finance.bootstrap import create_app, finance_inputs, payouts_view
from kn_finance.handlers.settle import settle_everything
from kn_finance.settings import FinanceSettings
from kn_rules.scheme_files import load_scheme
from kn_servicekit.cause import Cause
from kn_servicekit.hosting import consumer_name
from kn_servicekit.kafka_access import kafka_options
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.rebuild import rebuild_live
from tests.finance.service import JANUARY_2026, TOKENS, Finance, drop_schemas
from tests.finance.story import JUNE, held, recorded, worked_example
from tests.support.service import running, sandbox
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
    producer = AIOKafkaProducer(**kafka_options(settings.kafka))
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
                kafka=settings.kafka,
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


async def test_a_rebuild_that_read_further_than_the_decider_leaves_no_fact_undecided(
    endpoints: infra.Endpoints,
) -> None:
    """The list arrives while the decider is down; a rebuild reads it into the new tables,
    so the decider resumes past it. Starting on those tables it settles every network once,
    and the waiting invoice is decided (nothing the rebuild read is left undecided)."""
    database = endpoints.databases["finance"]
    schema = f"finance_{uuid.uuid4().hex[:10]}"
    app = functools.partial(create_app, clock=lambda: JANUARY_2026)
    async with sandbox(endpoints.kafka(), database) as box:
        settings = box.settings(FinanceSettings, TOKENS, schema)
        try:
            async with running(app, settings) as client:
                await worked_example(Finance(client, box, settings, schema))
                await Finance(client, box, settings, schema).invoice_until(
                    "aalborg-oest", "venue-0312", "waiting"
                )
            # the service is down: the list arrives, and an operator rebuilds the tables
            await Finance(client, box, settings, schema).publish("meetings", recorded())
            pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
            producer = AIOKafkaProducer(**kafka_options(settings.kafka))
            await producer.start()
            try:
                projection, catalog = finance_inputs(settings)
                await rebuild_live(
                    pool=pool,
                    kafka=settings.kafka,
                    producer=producer,
                    consumer=consumer_name("finance", projection),
                    projection=projection,
                    catalog=catalog,
                    now=dt.datetime.now(dt.UTC),
                )
            finally:
                await producer.stop()
                await pool.close()
            async with running(app, settings) as client:
                finance = Finance(client, box, settings, schema)
                venue = await finance.invoice_until("aalborg-oest", "venue-0312", "approved")
                assert venue["approved"] == 747_600
                payouts = await eventually(
                    finance.payouts, lambda found: len(found) == 2, what="the pool's payouts"
                )
                assert {type(p).__name__ for p in payouts} == {"PoolPayoutApproved"}
        finally:
            await drop_schemas(database, schema)
