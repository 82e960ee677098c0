"""Rebuild from offset 0 into a fresh schema, cut over when caught up; replay to a day."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import asyncpg
import pytest

from kn_contracts.envelope import Envelope
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.projection import COPENHAGEN, Cutoff, Delivery
from kn_servicekit.rebuild import (
    follow_live,
    fresh_schema_name,
    live_schema,
    rebuild,
    switch_live,
)
from kn_servicekit.runner import LIVE_RECHECK_S, ProjectionRunner
from tests.support.kafka import Message, produce
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, tallies, tick, tick_message
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


def at(day: dt.date, recorded: dt.date, counter: str = "fee", amount: int = 1) -> Message:
    """A tick effective on `day`, recorded (ce_time) at noon on `recorded`."""
    when = dt.datetime.combine(recorded, dt.time(12), dt.UTC)
    headers, value = tick_message(str(uuid.uuid4()), tick(counter, amount, day), recorded=when)
    return counter.encode(), headers, value


async def test_a_rebuild_replays_into_a_fresh_schema_and_readers_switch_when_it_caught_up(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    projection = TallyProjection(topic, name=f"tally_{uuid.uuid4().hex[:8]}")
    await produce(
        kafka_admin,
        topic,
        [at(dt.date(2025, 3, 1), dt.date(2025, 3, 1), "a", n) for n in range(1, 51)],
    )
    live = await live_schema(pool, projection.name)
    async with dead_letter_producer(kafka_admin) as producer:
        await catch_up(runner(pool, kafka_admin, projection, producer, schema=live))
        new = fresh_schema_name(projection.name, dt.datetime(2026, 1, 2, 3, 4, 5))
        replay = runner(pool, kafka_admin, projection, producer, schema=new)
        assert await rebuild(replay, pool, projection.name) == new

        assert await live_schema(pool, projection.name) == new
        assert await tallies(pool, new) == await tallies(pool, live) == {"a": (50, 1275)}
        # events after the cut-over continue from the offsets the rebuild stored
        await produce(kafka_admin, topic, [at(dt.date(2025, 4, 1), dt.date(2025, 4, 1), "a")])
        following = asyncio.create_task(
            runner(pool, kafka_admin, projection, producer, schema=new).run()
        )
        try:
            after = await eventually(lambda: tallies(pool, new), lambda t: t["a"][0] == 51)
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
    assert after == {"a": (51, 1276)}


async def test_a_replay_to_a_day_by_recorded_time_keeps_a_late_report_out(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(
        kafka_admin,
        topic,
        [
            at(dt.date(2025, 3, 1), recorded=dt.date(2025, 2, 20), amount=10),
            at(dt.date(2025, 12, 1), recorded=dt.date(2025, 12, 31), amount=20),
            # effective in 2025, but EKM only learned of it in January
            at(dt.date(2025, 12, 15), recorded=dt.date(2026, 1, 10), amount=300),
            at(dt.date(2026, 2, 1), recorded=dt.date(2026, 1, 20), amount=4000),
        ],
    )
    new_year = dt.date(2025, 12, 31)
    async with dead_letter_producer(kafka_admin) as producer:
        as_reported = await catch_up(
            runner(pool, kafka_admin, TallyProjection(topic), producer, cutoff=Cutoff(new_year))
        )
        corrected = await catch_up(
            runner(
                pool,
                kafka_admin,
                TallyProjection(topic),
                producer,
                cutoff=Cutoff(new_year, by="effective"),
            )
        )
        everything = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, as_reported.schema) == {"fee": (2, 30)}
    assert await tallies(pool, corrected.schema) == {"fee": (3, 330)}
    assert await tallies(pool, everything.schema) == {"fee": (4, 4330)}


def test_a_recorded_cutoff_reads_the_day_in_copenhagen() -> None:
    late_evening = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 January in DK
    envelope = Envelope(id="1", source="/s", type="t", time=late_evening)
    delivery = Delivery("t", 0, 0, envelope, tick("a", 1, dt.date(2025, 12, 31)))
    assert not Cutoff(dt.date(2025, 12, 31)).admits(delivery)
    assert Cutoff(dt.date(2025, 12, 31), by="effective").admits(delivery)


@pytest.mark.parametrize("day", [dt.date(2025, 1, 31), dt.date(2025, 6, 30)])  # CET, CEST
def test_a_recorded_cutoff_ends_at_midnight_in_copenhagen_whatever_offset_ce_time_has(
    day: dt.date,
) -> None:
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), COPENHAGEN)
    for offset in (dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5))):
        for moment, admitted in (
            (midnight - dt.timedelta(microseconds=1), True),
            (midnight, False),
        ):
            envelope = Envelope(id="1", source="/s", type="t", time=moment.astimezone(offset))
            delivery = Delivery("t", 0, 0, envelope, tick("a", 1, day))
            assert Cutoff(day).admits(delivery) is admitted, (moment, offset)


async def test_a_live_runner_follows_readers_to_the_rebuilt_schema_and_keeps_it_current(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    projection = TallyProjection(topic, name=f"tally_{uuid.uuid4().hex[:8]}")
    group = f"g-{uuid.uuid4().hex[:8]}"
    day = dt.date(2025, 3, 1)
    await produce(kafka_admin, topic, [at(day, day, "a") for _ in range(10)])
    async with dead_letter_producer(kafka_admin) as producer:

        def live(schema: str) -> ProjectionRunner:
            return runner(pool, kafka_admin, projection, producer, schema=schema,
                          group_id=group, live_name=projection.name)  # fmt: skip

        old = await live_schema(pool, projection.name)
        await live(old).prepare()
        following = asyncio.create_task(follow_live(pool, live, projection.name))
        try:
            await eventually(lambda: tallies(pool, old), lambda t: t.get("a") == (10, 10))
            new = fresh_schema_name(projection.name, dt.datetime(2026, 1, 2))
            await rebuild(
                runner(pool, kafka_admin, projection, producer, schema=new),
                pool,
                projection.name,
            )
            await produce(kafka_admin, topic, [at(day, day, "a") for _ in range(5)])
            await eventually(lambda: tallies(pool, new), lambda t: t.get("a") == (15, 15))
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)


async def test_an_idle_live_runner_follows_a_switch_without_waiting_for_a_batch(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    projection = TallyProjection(topic, name=f"tally_{uuid.uuid4().hex[:8]}")
    made: list[str] = []
    async with dead_letter_producer(kafka_admin) as producer:

        def live(schema: str) -> ProjectionRunner:
            made.append(schema)
            return runner(pool, kafka_admin, projection, producer, schema=schema,
                          live_name=projection.name)  # fmt: skip

        async def schemas_run() -> list[str]:
            return list(made)

        old = await live_schema(pool, projection.name)
        await runner(pool, kafka_admin, projection, producer, schema=old).prepare()
        ready = asyncio.Event()
        following = asyncio.create_task(follow_live(pool, live, projection.name, ready))
        try:
            await ready.wait()
            new = fresh_schema_name(projection.name, dt.datetime(2026, 1, 3))
            await runner(pool, kafka_admin, projection, producer, schema=new).prepare()
            await switch_live(pool, projection.name, new)
            # nothing is produced: the runner notices while it waits for a batch
            await eventually(schemas_run, lambda m: m == [old, new], within=3 * LIVE_RECHECK_S)
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
