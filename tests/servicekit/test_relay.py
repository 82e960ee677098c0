"""The relay moves the event table to Kafka in order, as CloudEvents, exactly the tail."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_deploy.pytest_plugin import unique
from kn_servicekit.errors import EventLogBehind, TransientError
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.relay import RELAY_LOCK, Relay, make_producer
from tests.support.background import in_background
from tests.support.kafka import read_all
from tests.support.locks import lock_holders
from tests.support.ticks import CATALOG, tick
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


async def test_appended_events_reach_kafka_in_stream_order_as_cloudevents(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    async with _relaying(pool, kafka_admin):
        for version in range(5):
            await store.append("counter-a", version, [tick("a", version)])
        stored = await store.append("counter-b", 0, [tick("b", 7)], key="network-x")
        records = await eventually(
            lambda: read_all(kafka_admin, topic), lambda r: len(r) == 6, what="6 on Kafka"
        )

    by_key: dict[bytes, list[int]] = {}
    for record in records:
        assert record.key is not None
        by_key.setdefault(record.key, []).append(json.loads(record.value)["amount"])
    assert by_key == {b"counter-a": [0, 1, 2, 3, 4], b"network-x": [7]}
    last = next(r for r in records if r.key == b"network-x")
    event = from_binary_event(KafkaMessage(dict(last.headers), last.key, last.value))
    assert event.get_id() == str(stored[0].event_id)
    assert event.get_source() == "/kvalitetsnet/test"
    assert event.get_subject() == "counter-b"
    assert event.get_type() == "dk.kvalitetsnet.test.Tick.v1"
    assert event.get_time() == stored[0].recorded_at
    # the log and position travel with it: a consumer knows a repeat by position alone
    log = await pool.fetchval("SELECT log FROM kn_event_log")
    positions = await pool.fetch("SELECT event_id, position FROM kn_events")
    position_of = {str(row["event_id"]): row["position"] for row in positions}
    for record in records:
        headers = dict(record.headers)
        assert headers["ce_knlog"].decode() == log
        assert int(headers["ce_sequence"]) == position_of[headers["ce_id"].decode()]
    assert event.get_extension("knlog") == log


async def test_a_restarted_relay_publishes_only_what_it_had_not_recorded(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    producer = make_producer(kafka_admin, "relay-test")
    await producer.start()
    try:
        await store.append("s", 0, [tick("s", n) for n in range(3)])
        assert await Relay(pool, producer, "/kvalitetsnet/test").publish_pending() == 3
        await store.append("s", 3, [tick("s", 3)])
        again = Relay(pool, producer, "/kvalitetsnet/test")  # as after a restart
        assert await again.publish_pending() == 1
        assert await again.publish_pending() == 0
    finally:
        await producer.stop()
    records = await read_all(kafka_admin, topic)
    assert sorted(Counter(r.value for r in records).values()) == [1, 1, 1, 1]


async def test_a_relay_refuses_to_publish_from_a_store_behind_what_it_published(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    producer = make_producer(kafka_admin, "relay-test")
    await producer.start()
    try:
        await store.append("s", 0, [tick("s", n) for n in range(5)])
        relay = Relay(pool, producer, "/kvalitetsnet/test")
        assert await relay.publish_pending() == 5
        published = await pool.fetchval("SELECT max(position) FROM kn_events")
        await relay.check_not_behind(kafka_admin)  # in step: fine

        # as if restored from a backup taken after the first two events
        restored = published - 3
        await pool.execute("DELETE FROM kn_events WHERE position > $1", restored)
        await pool.execute("SELECT setval('kn_event_position', $1)", restored)
        await pool.execute("UPDATE kn_relay_progress SET position = $1", restored)
        with pytest.raises(EventLogBehind, match=rf"position {published} on Kafka .* {restored}"):
            await Relay(pool, producer, "/kvalitetsnet/test").check_not_behind(kafka_admin)
        leading = Relay(pool, producer, "/kvalitetsnet/test", kafka=kafka_admin)
        with pytest.raises(EventLogBehind):
            await asyncio.wait_for(leading.run(), 30)
        # and the refusing relay let go of leadership: a fixed one can lead at once
        key = "'kn_events'::regclass::oid::integer"
        async with pool.acquire() as conn:
            assert await conn.fetchval(f"SELECT pg_try_advisory_lock($1, {key})", RELAY_LOCK)
            await conn.execute(f"SELECT pg_advisory_unlock($1, {key})", RELAY_LOCK)
        # without the check, a new event would reuse a published position
        assert await pool.fetchval("SELECT last_value FROM kn_event_position") < published

        # the operator's remedy from the message: new events get new positions
        await pool.execute(f"SELECT setval('kn_event_position', {published})")
        again = Relay(pool, producer, "/kvalitetsnet/test")
        await again.check_not_behind(kafka_admin)
        [stored] = await store.append("s", 2, [tick("s", 99)])
        assert await again.publish_pending() == 1
    finally:
        await producer.stop()
    assert stored.position == published + 1


async def test_a_relay_that_cannot_publish_names_the_topic_and_keeps_its_place(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess
) -> None:
    missing = unique("kit-misspelt")  # topics are not auto-created: a misspelling fails loudly
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: missing)
    producer = AIOKafkaProducer(**kafka_options(kafka_admin), request_timeout_ms=1000)
    await producer.start()
    try:
        await store.append("s", 0, [tick("s", 1), tick("s", 2)])
        refused = rf"positions 1\.\.2 of log .* to {missing} \(does each topic exist\?\)"
        with pytest.raises(TransientError, match=refused) as err:
            await Relay(pool, producer, "/kvalitetsnet/test").publish_pending()
    finally:
        await producer.stop()
    assert isinstance(err.value.__cause__, KafkaError)  # what aiokafka said, for the operator
    assert await pool.fetchval("SELECT count(*) FROM kn_relay_progress") == 0  # retried later


async def _relay_leaders(pool: asyncpg.Pool) -> list[int]:
    return await lock_holders(pool, RELAY_LOCK, "kn_events")


async def test_a_relay_whose_leading_session_ended_is_elected_again_before_it_goes_on(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    async with _relaying(pool, kafka_admin):
        [first] = await eventually(lambda: _relay_leaders(pool), lambda p: len(p) == 1)
        await pool.execute("SELECT pg_terminate_backend($1)", first)  # the lock goes with it
        [again] = await eventually(
            lambda: _relay_leaders(pool), lambda p: len(p) == 1 and p[0] != first,
            what="the relay leading again on a new session",
        )  # fmt: skip
        await store.append("counter-a", 0, [tick("a", 1)])
        await eventually(lambda: read_all(kafka_admin, topic), lambda r: len(r) == 1)
        assert await _relay_leaders(pool) == [again]


@asynccontextmanager
async def _relaying(pool: asyncpg.Pool, kafka: KafkaAccess) -> AsyncIterator[None]:
    """A relay running for the block, on a producer of its own."""
    producer = make_producer(kafka, "relay-test")
    await producer.start()
    try:
        async with in_background(Relay(pool, producer, "/kvalitetsnet/test").run()):
            yield
    finally:
        await producer.stop()
