"""The projection runner on real Kafka and PostgreSQL: once-only effects, dead letters."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from kn_deploy.pytest_plugin import unique
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters, Letter
from kn_servicekit.deadletter_inbox import read_letters, redrive
from kn_servicekit.errors import TransientError
from kn_servicekit.kafka import partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.projection import Delivery
from kn_servicekit.runner import ProjectionRunner
from tests.support.kafka import produce
from tests.support.runners import SlowDatabaseRunner, catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, Tick, tallies, tick, tick_message
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


def message(
    counter: str, amount: int = 1, event_id: str | None = None
) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    headers, value = tick_message(event_id or str(uuid.uuid4()), tick(counter, amount))
    return counter.encode(), headers, value


async def test_the_same_cloudevent_delivered_twice_counts_once(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    twice = message("a", 5, event_id="evt-1")
    await produce(kafka_admin, topic, [twice, message("a", 1), twice, message("b", 2)])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
        assert await tallies(pool, done.schema) == {"a": (2, 6), "b": (1, 2)}
        assert (done.consumed, done.applied) == (4, 3)


async def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_next_is_applied(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    key, headers, _ = message("a")
    not_json = (key, headers, b"{not json")
    no_envelope = (key, [("content-type", b"application/json")], b"{}")
    _, headers_b, value_b = message("a", 9)
    empty_id = (key, [(n, None if n == "ce_id" else v) for n, v in headers_b], value_b)
    await produce(kafka_admin, topic, [not_json, no_envelope, empty_id, message("a", 3)])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (1, 3)}
    letters = await read_letters(kafka_admin, topic)
    assert [dead.letter.value for dead in letters] == [b"{not json", b"{}", value_b]
    assert letters[2].letter.reason == "contract: a CloudEvents header has no value"
    assert letters[0].letter.reason.startswith("contract: dk.kvalitetsnet.test.Tick.v1 violates")
    assert letters[1].letter.reason == (
        "contract: not a CloudEvent: missing header(s) "
        "ce_specversion, ce_id, ce_source, ce_type, ce_time"
    )
    assert letters[0].letter.headers == tuple(headers)
    assert {dead.consumer for dead in letters} == {"tally"}


async def test_a_failing_handler_dead_letters_one_event_and_a_redrive_applies_it_after_the_fix(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(kafka_admin, topic, [message("a", 2), message("a", -1), message("a", 4)])
    schema = f"p_{uuid.uuid4().hex[:10]}"
    async with dead_letter_producer(kafka_admin) as producer:
        strict = TallyProjection(topic)
        await catch_up(runner(pool, kafka_admin, strict, producer, schema=schema))
        assert await tallies(pool, schema) == {"a": (2, 6)}
        [dead] = await read_letters(kafka_admin, topic)
        assert dead.letter.reason == "handler: ValueError: a tally never goes down: negative amount"

        fixed = TallyProjection(topic, refuse_negative=False)
        assert [d.dlq_offset for d in await redrive(producer, topic, [dead])] == [dead.dlq_offset]
        await catch_up(runner(pool, kafka_admin, fixed, producer, schema=schema))
    assert await tallies(pool, schema) == {"a": (3, 5)}
    [after] = await read_letters(kafka_admin, topic)
    assert after.redriven


class Flaky(TallyProjection):
    """Fails transiently (as a lost database would) a few times before it works."""

    def __init__(self, topic: str, failures: int, error: Exception | None = None) -> None:
        super().__init__(topic)
        self.failures = failures
        self.error = error or TransientError("database briefly away")

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        if self.failures:
            self.failures -= 1
            raise self.error
        await super().apply(conn, batch)


# asyncpg's words for a pool connection a PostgreSQL restart left mid-answer
LEFT_BY_A_RESTART = "cannot switch to state 15; another operation (2) is in progress"


async def test_a_connection_left_mid_answer_by_a_restart_is_retried_not_dead_lettered(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(kafka_admin, topic, [message("a", n) for n in range(1, 6)])
    flaky = Flaky(topic, failures=2, error=asyncpg.InternalClientError(LEFT_BY_A_RESTART))
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, flaky, producer))
    assert await tallies(pool, done.schema) == {"a": (5, 15)}
    assert await read_letters(kafka_admin, topic) == []


class Misusing(TallyProjection):
    """Fails on one event with an asyncpg error of its own code, every time."""

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        if any(isinstance(d.event, Tick) and d.event.amount == 3 for d in batch):
            raise asyncpg.InternalClientError("missing codec information for OID 3")
        await super().apply(conn, batch)


async def test_an_asyncpg_error_of_the_handlers_own_making_is_dead_lettered_not_retried(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(kafka_admin, topic, [message("a", n) for n in range(1, 6)])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, Misusing(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (4, 12)}
    [dead] = await read_letters(kafka_admin, topic)
    assert dead.letter.reason.startswith("handler: InternalClientError: missing codec")


async def test_transient_failures_are_retried_and_nothing_is_skipped(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(kafka_admin, topic, [message("a", n) for n in range(1, 11)])
    flaky = Flaky(topic, failures=3)
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, flaky, producer))
    assert await tallies(pool, done.schema) == {"a": (10, 55)}
    assert flaky.failures == 0
    with pytest.raises(ValueError, match="no dead-letter topic"):
        await read_letters(kafka_admin, topic + "-missing")
    assert await read_letters(kafka_admin, topic) == []


@pytest.mark.parametrize("kind", [ProjectionRunner, SlowDatabaseRunner])
async def test_a_restart_resumes_from_the_stored_offsets_not_the_groups(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str, kind: type[ProjectionRunner]
) -> None:
    await produce(kafka_admin, topic, [message("a") for _ in range(30)])
    schema, group = f"p_{uuid.uuid4().hex[:10]}", f"g-{uuid.uuid4().hex[:8]}"
    async with dead_letter_producer(kafka_admin) as producer:
        first = runner(
            pool, kafka_admin, TallyProjection(topic), producer, schema=schema, group_id=group
        )
        await first.prepare()
        task = asyncio.create_task(first.run())
        await eventually(lambda: tallies(pool, schema), lambda t: t.get("a") == (30, 30))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await rewind_group(kafka_admin, group, topic)  # the group now says "from 0"
        await produce(kafka_admin, topic, [message("a") for _ in range(5)])

        second = runner(
            pool,
            kafka_admin,
            TallyProjection(topic),
            producer,
            schema=schema,
            group_id=group,
            kind=kind,
        )
        task = asyncio.create_task(second.run())
        await eventually(lambda: tallies(pool, schema), lambda t: t.get("a") == (35, 35))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert second.consumed == 5


async def rewind_group(kafka: KafkaAccess, group: str, topic: str) -> None:
    """Commit offset 0 for every partition in the group, as a confused operator might."""
    consumer = AIOKafkaConsumer(**kafka_options(kafka), group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.commit(dict.fromkeys(partitions, 0))
    finally:
        await consumer.stop()


async def test_two_runners_sharing_a_group_through_a_rebalance_count_every_event_once(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    schema, group = f"p_{uuid.uuid4().hex[:10]}", f"g-{uuid.uuid4().hex[:8]}"
    async with dead_letter_producer(kafka_admin) as producer:

        def make() -> ProjectionRunner:
            return runner(pool, kafka_admin, TallyProjection(topic), producer,
                          schema=schema, group_id=group)  # fmt: skip

        await produce(kafka_admin, topic, [message(f"c{n % 6}") for n in range(600)])
        first = make()
        await first.prepare()
        one = asyncio.create_task(first.run())
        await eventually(lambda: tallies(pool, schema), lambda t: sum(e for e, _ in t.values()) > 0)
        two = asyncio.create_task(make().run())  # joins: the group rebalances
        await produce(kafka_admin, topic, [message(f"c{n % 6}") for n in range(600)])
        final = await eventually(
            lambda: tallies(pool, schema),
            lambda t: sum(e for e, _ in t.values()) >= 1200,
            within=60,
        )
        one.cancel()
        await asyncio.gather(one, return_exceptions=True)
        await produce(kafka_admin, topic, [message("c0") for _ in range(10)])
        final = await eventually(
            lambda: tallies(pool, schema), lambda t: t["c0"][0] >= 210, within=60
        )
        two.cancel()
        await asyncio.gather(two, return_exceptions=True)
    assert final == {f"c{n}": (200, 200) for n in range(1, 6)} | {"c0": (210, 210)}


async def test_a_dead_letter_kafka_cannot_take_names_the_letter_and_its_topic(
    kafka_admin: KafkaAccess,
) -> None:
    missing = unique("kit-no-dlq")  # its dead-letter topic was never created
    producer = AIOKafkaProducer(**kafka_options(kafka_admin), request_timeout_ms=1000)
    await producer.start()
    try:
        letter = Letter(missing, 2, 41, b"a", b"{}", (), "handler: ValueError: boom")
        refused = rf"tally could not dead-letter {missing}\[2\]@41 to {missing}\.dlq"
        with pytest.raises(TransientError, match=refused) as err:
            await DeadLetters(producer, "tally").send(letter)
    finally:
        await producer.stop()
    assert isinstance(err.value.__cause__, KafkaError)  # what aiokafka said, for the operator
