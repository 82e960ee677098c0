"""Kill the projection and the relay with SIGKILL mid-stream: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Callable

import asyncpg
import pytest

from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.pgstore import PostgresEventStore
from tests.support.kafka import Message, produce, read_all
from tests.support.processes import feed, kill, start_worker
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import CATALOG, TallyProjection, tallies, tick, tick_message
from tests.support.waiting import eventually

# end-to-end: services started and a long story played; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = [pytest.mark.infra, pytest.mark.timeout(300)]

EVENTS = 20_000
KILLS = 12
BACKLOG = 1_500  # messages sent and not yet applied, at most (repeats count: 300 in all)


def expected_tally(amounts: list[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    result: dict[str, tuple[int, int]] = {}
    for counter, amount in amounts:
        events, total = result.get(counter, (0, 0))
        result[counter] = (events + 1, total + amount)
    return result


def at_least(target: int) -> Callable[[int], bool]:
    return lambda value: value >= target


async def applied(pool: asyncpg.Pool, schema: str) -> int:
    try:
        return sum(events for events, _ in (await tallies(pool, schema)).values())
    except asyncpg.UndefinedTableError:
        return 0


def relayed_stream(amounts: list[tuple[str, int]]) -> list[Message]:
    """As a relay publishes: in position order, and a relay restarted every 2,000 events
    publishes its unrecorded tail (30 events) again. Repeats are known by position."""
    log = str(uuid.uuid4())
    messages: list[Message] = []
    for n, (counter, amount) in enumerate(amounts, start=1):
        headers, value = tick_message(str(uuid.uuid4()), tick(counter, amount), position=(log, n))
        messages.append((counter.encode(), headers, value))
    stream: list[Message] = []
    for start in range(0, len(messages), 2000):
        chunk = messages[start : start + 2000]
        stream += chunk + chunk[-30:]
    return stream


def foreign_stream(amounts: list[tuple[str, int]], rng: random.Random) -> list[Message]:
    """As another system might publish: no positions, 300 repeats anywhere, any order
    across keys (per-partition order is all a projection may rely on). Known by id."""
    messages: list[Message] = []
    for counter, amount in amounts:
        headers, value = tick_message(str(uuid.uuid4()), tick(counter, amount))
        messages.append((counter.encode(), headers, value))
    stream = messages + rng.sample(messages, 300)
    rng.shuffle(stream)
    return stream


@pytest.mark.parametrize("published_by", ["a relay", "another system"])
async def test_a_projection_killed_at_random_points_ends_exactly_as_an_uninterrupted_run(
    pool: asyncpg.Pool, database: str, kafka_admin: KafkaAccess, topic: str, published_by: str
) -> None:
    rng = random.Random(20251231)
    amounts = [(f"c{rng.randrange(10)}", rng.randrange(1, 100)) for _ in range(EVENTS)]
    relayed = published_by == "a relay"
    stream = relayed_stream(amounts) if relayed else foreign_stream(amounts, rng)
    chunks = [stream[i : i + 500] for i in range(0, len(stream), 500)]
    schema = f"p_{uuid.uuid4().hex[:10]}"

    async def send(chunk: list[Message]) -> None:
        await produce(kafka_admin, topic, chunk)

    async def paced() -> None:
        # the stream flows while workers die, never far ahead of what they applied: a
        # restart slowed by a busy machine must not find the rest waiting and end the
        # stream before KILLS kills
        sent = 0
        for chunk in chunks:
            ahead = sent - BACKLOG
            await eventually(lambda: applied(pool, schema), at_least(ahead), within=120)
            await send(chunk)
            sent += len(chunk)
            await asyncio.sleep(0.15)

    producing = asyncio.create_task(paced())
    kills = 0
    while kills < KILLS:
        worker = await start_worker("projection", kafka_admin, database, topic, schema)
        target = await applied(pool, schema) + rng.randrange(150, 1200)
        reached = await eventually(
            lambda: applied(pool, schema),
            at_least(min(target, EVENTS)),
            within=60,
        )
        await kill(worker)
        kills += 1
        if reached >= EVENTS:
            break
    worker = await start_worker("projection", kafka_admin, database, topic, schema)
    try:
        await producing  # the rest of the stream, as this last worker applies it
        interrupted = await eventually(
            lambda: tallies(pool, schema), lambda t: sum(e for e, _ in t.values()) >= EVENTS,
            within=120,
        )  # fmt: skip
    finally:
        await kill(worker)

    async with dead_letter_producer(kafka_admin) as producer:
        clean = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    uninterrupted = await tallies(pool, clean.schema)
    assert kills >= 10
    assert interrupted == uninterrupted == expected_tally(amounts)


async def test_a_relay_killed_mid_stream_loses_nothing_and_repeats_only_its_unrecorded_tail(
    pool: asyncpg.Pool, database: str, kafka_admin: KafkaAccess, topic: str
) -> None:
    rng = random.Random(7)
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    streams = [f"s{n}" for n in range(20)]
    versions = dict.fromkeys(streams, 0)
    appended: list[tuple[str, int]] = []

    async def append(chunk: list[str]) -> None:
        for stream in chunk:
            events = [tick(stream, rng.randrange(1, 9)) for _ in range(5)]
            await store.append(stream, versions[stream], events)
            versions[stream] += 5
            appended.extend((e.counter, e.amount) for e in events)

    chunks = [[rng.choice(streams) for _ in range(20)] for _ in range(30)]
    appending = asyncio.create_task(feed(chunks, append, pause=0.1))

    async def progress() -> int:
        value = await pool.fetchval("SELECT position FROM kn_relay_progress")
        return int(value or 0)

    recorded_at_kill = []
    for _ in range(5):
        worker = await start_worker("relay", kafka_admin, database)
        target = await progress() + rng.randrange(60, 400)
        await eventually(progress, at_least(target), within=60)
        await kill(worker)
        recorded_at_kill.append(await progress())
    await appending
    last = await pool.fetchval("SELECT max(position) FROM kn_events")
    worker = await start_worker("relay", kafka_admin, database)
    try:
        await eventually(progress, lambda p: p >= last, within=60)
    finally:
        await kill(worker)

    rows = await pool.fetch("SELECT event_id, position FROM kn_events")
    position = {str(r["event_id"]): r["position"] for r in rows}
    copies = Counter(dict(r.headers)["ce_id"].decode() for r in await read_all(kafka_admin, topic))
    assert set(copies) == set(position)  # nothing missing, nothing foreign
    repeated = [position[i] for i, n in copies.items() if n > 1]
    batch = 50  # the worker's batch: the most a relay can have published but not recorded
    assert all(any(p < pos <= p + batch for p in recorded_at_kill) for pos in repeated)

    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == expected_tally(appended)
