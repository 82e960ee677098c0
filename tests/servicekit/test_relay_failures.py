"""A relay attempt that fails part way repeats nothing: the next one leaves out what Kafka
took of it, and sends with a fresh producer."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError

from kn_deploy.pytest_plugin import unique
from kn_servicekit.errors import TransientError
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.relay import Relay, make_producer
from tests.support.kafka import drop_topics, read_all
from tests.support.ticks import CATALOG, create_topic, tick

pytestmark = pytest.mark.infra
SOURCE = "/kvalitetsnet/test"


class LosesSendsAfter(AIOKafkaProducer):  # type: ignore[misc]
    """A real producer whose sends after the first `delivered` time out, as when Kafka stops
    in the middle of a batch."""

    def __init__(self, kafka: KafkaAccess, delivered: int) -> None:
        super().__init__(**kafka_options(kafka), enable_idempotence=True, acks="all")
        self.left = delivered
        self.sends = 0

    async def send(self, *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        self.sends += 1
        if self.left > 0:
            self.left -= 1
            sent: asyncio.Future[Any] = await super().send(*args, **kwargs)
            return sent
        lost: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        lost.set_exception(KafkaTimeoutError())
        return lost


@pytest.fixture
async def own_topic(kafka_admin: KafkaAccess) -> AsyncIterator[str]:
    """A three-partition topic of this test's own, deleted afterwards."""
    name = unique("relay-failures")
    await create_topic(kafka_admin, name)
    yield name
    await drop_topics(kafka_admin, name)


async def test_a_batch_that_failed_part_way_is_completed_without_repeating_what_kafka_took(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, own_topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: own_topic)
    for counter in ("a", "b", "c"):
        await store.append(counter, 0, [tick(counter, n) for n in range(4)])
    flaky = LosesSendsAfter(kafka_admin, delivered=5)
    await flaky.start()
    renewed: list[AIOKafkaProducer] = []

    def renew() -> AIOKafkaProducer:
        renewed.append(make_producer(kafka_admin, "relay-renewed"))
        return renewed[-1]

    relay = Relay(pool, flaky, SOURCE, kafka=kafka_admin, renew=renew)
    try:
        with pytest.raises(TransientError, match=r"positions 1\.\.12"):
            await relay.publish_pending()
        assert len(await read_all(kafka_admin, own_topic)) == 5  # what Kafka took
        tried = flaky.sends
        assert await relay.publish_pending() == 12
    finally:
        await flaky.stop()
        for producer in renewed:
            await producer.stop()
    records = await read_all(kafka_admin, own_topic)
    assert Counter(dict(r.headers)["ce_id"] for r in records).most_common(1)[0][1] == 1
    assert len(records) == 12
    for partition in {r.partition for r in records}:
        mine = [r for r in records if r.partition == partition]
        sequences = [int(dict(r.headers)["ce_sequence"]) for r in mine]
        assert sequences == sorted(sequences)
    assert len(renewed) == 1  # a fresh producer sent the rest; the failed one sent no more
    assert flaky.sends == tried


async def test_a_batch_published_but_not_recorded_is_not_published_again(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, own_topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: own_topic)
    await store.append("a", 0, [tick("a", n) for n in range(3)])
    producer = make_producer(kafka_admin, "relay-unrecorded")
    await producer.start()
    relay = Relay(pool, producer, SOURCE, kafka=kafka_admin)
    try:
        # the database goes away between publishing and recording (here: its table does)
        await pool.execute("ALTER TABLE kn_relay_progress RENAME TO kn_relay_progress_away")
        with pytest.raises(asyncpg.UndefinedTableError):
            await relay.publish_pending()
        await pool.execute("ALTER TABLE kn_relay_progress_away RENAME TO kn_relay_progress")
        await store.append("a", 3, [tick("a", 3)])
        assert await relay.publish_pending() == 4
        assert await relay.publish_pending() == 0
    finally:
        await producer.stop()
    records = await read_all(kafka_admin, own_topic)
    assert [int(dict(r.headers)["ce_sequence"]) for r in records] == [1, 2, 3, 4]
