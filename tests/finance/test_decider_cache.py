"""The decider's cached folds hold committed state only (Pool payouts 8: the sum of a
thing's payout events is its amount): a batch that rolls back leaves no payout behind."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import pytest

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, source_of
from kn_contracts.events.payouts import PoolPayoutApproved
from kn_finance.adapters.inputs import NAME
from kn_finance.bootstrap import finance_inputs
from kn_rules.pool import account_of
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Delivery
from tests.finance.facts import NETWORK
from tests.finance.service import Finance
from tests.finance.story import network, recorded, worked_example

pytestmark = pytest.mark.infra


def delivery(event: Event, service: str, offset: int) -> Delivery:
    envelope = Envelope(
        str(uuid.uuid4()), source_of(service), event.ce_type(), dt.datetime.now(dt.UTC)
    )
    return Delivery("t", 0, offset, envelope, event)


async def test_a_rolled_back_batch_leaves_no_payout_in_the_deciders_folds(finance: Finance) -> None:
    await worked_example(finance)
    await finance.invoice_until(NETWORK, "venue-0312", "waiting")
    projection, catalog = finance_inputs(finance.settings, deciding=True)
    conn = await asyncpg.connect(finance.settings.database_url)
    try:
        live = await conn.fetchval(
            f'SELECT schema_name FROM "{finance.schema}".kn_projection_live WHERE projection = $1',
            NAME,
        )
        await conn.execute(f'SET search_path TO "{live}", "{finance.schema}"')
        listed, again = delivery(recorded(), "meetings", 1), delivery(network(), "membership", 2)
        batch = conn.transaction()
        await batch.start()
        await projection.apply(conn, [listed, again])  # pays, then reads the pool again
        await batch.rollback()  # the batch's commit fails
        async with conn.transaction():
            await projection.apply(conn, [listed])
        store = PostgresEventStore(conn, catalog, finance.settings.topic_for)
        stream = await store.read(account_of(NETWORK))
        paid = [s.event for s in stream.events if isinstance(s.event, PoolPayoutApproved)]
        assert {p.invoice_id for p in paid} == {"venue-0312", "catering-0312"}
    finally:
        await conn.close()
