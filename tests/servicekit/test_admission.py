"""Which deliveries a projection applies: relayed events by their log's position, other
CloudEvents by (ce_source, ce_id), redriven letters only where they were dead-lettered."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from kn_servicekit.deadletter_inbox import read_letters, redrive
from tests.support.kafka import produce
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, tallies, tick, tick_message

pytestmark = pytest.mark.infra

Message = tuple[bytes, list[tuple[str, bytes]], bytes]


def relayed(log: str, position: int, counter: str, amount: int) -> Message:
    """A Tick as a relay publishes it: its own id, and its log and position."""
    headers, value = tick_message(
        str(uuid.uuid4()), tick(counter, amount), position=(log, position)
    )
    return counter.encode(), headers, value


async def test_a_relayed_event_published_again_counts_once_without_a_row_per_event(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str
) -> None:
    first = [relayed("log-1", n, "a", n) for n in range(1, 6)]
    # a relay restarted after publishing 3..5 without recording them publishes them again
    await produce(kafka_bootstrap, topic, [*first, *first[2:], relayed("log-1", 6, "a", 6)])
    async with dead_letter_producer(kafka_bootstrap) as producer:
        done = await catch_up(runner(pool, kafka_bootstrap, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (6, 21)}
    assert (done.consumed, done.applied) == (9, 6)
    # what it remembers is a high-water mark per log and partition, not every event
    assert await pool.fetchval(f'SELECT count(*) FROM "{done.schema}".kn_seen') == 0
    assert await pool.fetchval(f'SELECT count(*) FROM "{done.schema}".kn_sequences') == 1


async def test_a_new_event_log_is_applied_from_its_first_position(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str
) -> None:
    # a service on a new database starts a new log; its positions start low again
    old = [relayed("log-old", n, "a", 1) for n in (100, 101)]
    new = [relayed("log-new", n, "a", 10) for n in (1, 2)]
    foreign_key, foreign_headers, foreign_value = (
        b"a", *tick_message(str(uuid.uuid4()), tick("a", 1000))
    )  # fmt: skip
    foreign = (foreign_key, foreign_headers, foreign_value)
    await produce(kafka_bootstrap, topic, [*old, foreign, *new, foreign])
    async with dead_letter_producer(kafka_bootstrap) as producer:
        done = await catch_up(runner(pool, kafka_bootstrap, TallyProjection(topic), producer))
    # both logs in full, and the region-style message (no position) once by its id
    assert await tallies(pool, done.schema) == {"a": (5, 1022)}


async def test_a_redrive_is_applied_once_and_only_by_the_projection_that_dead_lettered_it(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str
) -> None:
    events = [
        relayed("log-1", 1, "a", 2),
        relayed("log-1", 2, "a", -1),
        relayed("log-1", 3, "a", 4),
    ]
    await produce(kafka_bootstrap, topic, events)
    strict_schema, lenient_schema = (f"p_{uuid.uuid4().hex[:10]}" for _ in range(2))
    async with dead_letter_producer(kafka_bootstrap) as producer:
        strict = TallyProjection(topic, name="strict")
        lenient = TallyProjection(topic, refuse_negative=False, name="lenient")
        await catch_up(runner(pool, kafka_bootstrap, strict, producer, schema=strict_schema))
        await catch_up(runner(pool, kafka_bootstrap, lenient, producer, schema=lenient_schema))
        assert await tallies(pool, strict_schema) == {"a": (2, 6)}
        assert await tallies(pool, lenient_schema) == {"a": (3, 5)}

        [dead] = await read_letters(kafka_bootstrap, topic)
        assert dead.consumer == "strict"
        await redrive(producer, topic, [dead])
        await redrive(producer, topic, [dead])  # an operator's double click: two copies

        fixed = TallyProjection(topic, refuse_negative=False, name="strict")
        await catch_up(runner(pool, kafka_bootstrap, fixed, producer, schema=strict_schema))
        await catch_up(runner(pool, kafka_bootstrap, lenient, producer, schema=lenient_schema))
        # a projection built afresh reads the first copy itself and skips the redrives
        rebuilt = await catch_up(runner(pool, kafka_bootstrap, fixed, producer))
    assert await tallies(pool, strict_schema) == {"a": (3, 5)}
    assert await tallies(pool, lenient_schema) == {"a": (3, 5)}
    assert await tallies(pool, rebuilt.schema) == {"a": (3, 5)}
