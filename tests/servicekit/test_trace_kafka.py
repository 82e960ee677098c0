"""Trace context on real Kafka and PostgreSQL: the relay publishes what the event table
holds as `ce_traceparent`, and a command consumer's reaction keeps the trace (issue 17)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_deploy.pytest_plugin import unique
from kn_servicekit import trace
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.pgstore import PostgresEventStore, create_schema
from kn_servicekit.projection import Delivery
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.runner import ProjectionRunner
from tests.support.kafka import produce, read_all
from tests.support.runners import catch_up, dead_letter_producer
from tests.support.ticks import CATALOG, create_topic, tick, tick_message
from tests.support.trace_logs import kit_lines, lines_of

pytestmark = pytest.mark.infra

GIVEN = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def test_the_relay_publishes_an_event_s_stored_traceparent_as_ce_traceparent(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    span = trace.child_of(GIVEN)
    with trace.active(span):  # as a request's span is while its command runs
        await store.append("traced", 0, [tick("traced", 1)])
    await store.append("untraced", 0, [tick("untraced", 2)])  # a feed, a start-up seed
    stored = await traceparents(pool)
    assert stored == {"traced": span.traceparent, "untraced": None}
    producer = make_producer(kafka_admin, "trace-test")
    await producer.start()
    try:
        assert await Relay(pool, producer, "/kvalitetsnet/test").publish_pending() == 2
    finally:
        await producer.stop()

    records = {r.key: r for r in await read_all(kafka_admin, topic)}
    traced, untraced = records[b"traced"], records[b"untraced"]
    assert dict(traced.headers)["ce_traceparent"] == span.traceparent.encode()
    assert "ce_traceparent" not in dict(untraced.headers)  # absent, not empty
    # the CloudEvents SDK reads it as the Distributed Tracing extension's attribute
    event = from_binary_event(KafkaMessage(dict(traced.headers), traced.key, traced.value))
    assert event.get_extension("traceparent") == span.traceparent


async def traceparents(pool: asyncpg.Pool) -> dict[str, str | None]:
    """Each stream's traceparent as the event table holds it."""
    rows = await pool.fetch("SELECT stream_id, traceparent FROM kn_events")
    return {row["stream_id"]: row["traceparent"] for row in rows}


async def test_an_event_table_made_before_trace_context_gets_the_column_its_rows_stay_valid(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    await pool.execute("ALTER TABLE kn_events DROP COLUMN traceparent")  # as it was made
    await pool.execute(
        """INSERT INTO kn_events (position, event_id, stream_id, version, topic, kafka_key,
                                  ce_type, payload, recorded_at)
           VALUES (nextval('kn_event_position'), gen_random_uuid(), 'old', 1, $1, 'old', $2,
                   $3, now())""",
        topic, tick("old").ce_type(), tick("old").model_dump_json(),
    )  # fmt: skip
    await create_schema(pool)  # the service starting on it
    with trace.active(trace.child_of(GIVEN)):
        await store.append("old", 1, [tick("old", 2)])
    assert [row["traceparent"] is None for row in await pool.fetch(
        "SELECT traceparent FROM kn_events ORDER BY position")] == [True, False]  # fmt: skip
    producer = make_producer(kafka_admin, "trace-test")
    await producer.start()
    try:
        assert await Relay(pool, producer, "/kvalitetsnet/test").publish_pending() == 2
    finally:
        await producer.stop()
    records = sorted(
        await read_all(kafka_admin, topic), key=lambda r: int(dict(r.headers)["ce_sequence"])
    )
    assert ["ce_traceparent" in dict(r.headers) for r in records] == [False, True]


class Echo:
    """A command consumer: appends one Tick to the service's store per Tick it handles."""

    name = "echo"
    derived = False

    def __init__(self, topic: str, out: str) -> None:
        self.topics: tuple[str, ...] = (topic,)
        self._out = out

    async def create(self, conn: Connection) -> None:
        """No tables: its output is events."""

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        store = PostgresEventStore(conn, CATALOG, topic_for=lambda _: self._out)
        for delivery in batch:
            await store.append(f"echo-{delivery.envelope.id}", 0, [tick("echo")])


async def test_an_event_a_consumer_appends_while_handling_one_keeps_its_trace_in_a_new_span(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    headers, value = tick_message("from-a-request", tick("a"))
    untraced_headers, untraced_value = tick_message("from-a-region", tick("b"))
    await produce(kafka_admin, topic, [
        (b"a", [*headers, ("ce_traceparent", GIVEN.encode())], value),
        (b"b", untraced_headers, untraced_value),
    ])  # fmt: skip
    out = unique("echoed")
    await create_topic(kafka_admin, out)
    async with dead_letter_producer(kafka_admin) as producer:
        runner = ProjectionRunner(
            pool=pool, kafka=kafka_admin, projection=Echo(topic, out), catalog=CATALOG,
            schema=f"p_{uuid.uuid4().hex[:10]}", dead_letters=DeadLetters(producer, "echo"),
            max_records=1,  # as the kit runs a command consumer: one message a transaction
        )  # fmt: skip
        with kit_lines() as lines:
            await catch_up(runner)
    reactions = await traceparents(pool)
    reaction = trace.parse(reactions["echo-from-a-request"])
    assert reaction is not None
    trace_id, span_id, _ = reaction
    assert trace_id == "0af7651916cd43dd8448eb211c80319c"  # the request's trace goes on
    assert span_id != "b7ad6b7169203331"  # in the consumer's own span
    (applied,) = lines_of(lines, "event_applied", ce_id="from-a-request")
    assert (applied["trace_id"], applied["span_id"], applied["parent_span_id"]) == (
        trace_id, span_id, "b7ad6b7169203331",
    )  # fmt: skip
    # an event that came without one (a region's) begins a trace where it is handled
    began = trace.parse(reactions["echo-from-a-region"])
    assert began is not None
    (first,) = lines_of(lines, "event_applied", ce_id="from-a-region")
    assert (first["trace_id"], first["parent_span_id"]) == (began[0], None)
