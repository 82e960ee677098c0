"""Batch rebuild of a simple projection versus a raw aiokafka getmany loop, same topic.

    .venv/bin/python -m benchmarks.rebuild_vs_raw [--events 200000]

Prints events/s for both and their ratio (target: rebuild >= 0.5 x raw).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks.common import scratch_pool, start_infra
from kn_contracts.envelope import decode
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.runner import ProjectionRunner
from kn_servicekit.tuning import tune_gc
from tests.support.ticks import CATALOG, TallyProjection, create_topic, tick, tick_message


async def fill(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=256 * 1024
    )
    await producer.start()
    log = str(uuid.uuid4())
    try:
        pending = []
        for n in range(count):
            counter = f"network-{n % 97}"
            event_id = str(uuid.uuid4())
            # as a relay publishes: its log and position travel with each event
            headers, value = tick_message(event_id, tick(counter, n % 13), position=(log, n + 1))
            pending.append(await producer.send(topic, value, key=counter.encode(), headers=headers))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def raw(bootstrap: str, topic: str, *, typed: bool = False) -> tuple[int, float]:
    """A getmany loop over the whole topic; `typed` also decodes each record (envelope and
    pydantic model), as any consumer of our contracts must: the floor under a rebuild."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        count = 0
        started = time.perf_counter()
        while not await caught_up(consumer, ends):
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            for records in batch.values():
                count += len(records)
                if typed:
                    for record in records:
                        decode(record.headers, record.value, CATALOG)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


async def rebuild(bootstrap: str, url: str, topic: str) -> tuple[int, float, int]:
    schema = f"rebuild_{uuid.uuid4().hex[:8]}"
    async with scratch_pool(url) as pool:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            runner = ProjectionRunner(
                pool=pool, bootstrap=bootstrap, projection=TallyProjection(topic),
                catalog=CATALOG, schema=schema, dead_letters=DeadLetters(producer, "bench"),
            )  # fmt: skip
            await runner.prepare()
            started = time.perf_counter()
            await runner.run(until_caught_up=True)
            elapsed = time.perf_counter() - started
            total = await pool.fetchval(f"SELECT sum(events) FROM {schema}.tally")
            return runner.consumed, elapsed, int(total)
        finally:
            await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            await producer.stop()


async def main(bootstrap: str, url: str, events: int) -> None:
    topic = f"bench-rebuild-{uuid.uuid4().hex[:8]}"
    await create_topic(bootstrap, topic)
    started = time.perf_counter()
    await fill(bootstrap, topic, events)
    print(f"produced {events} events in {time.perf_counter() - started:.1f}s")
    raw_count, raw_seconds = await raw(bootstrap, topic)
    typed_count, typed_seconds = await raw(bootstrap, topic, typed=True)
    rebuilt, rebuild_seconds, applied = await rebuild(bootstrap, url, topic)
    assert raw_count == typed_count == rebuilt == applied == events
    raw_rate, rebuild_rate = raw_count / raw_seconds, rebuilt / rebuild_seconds
    typed_rate = typed_count / typed_seconds
    print(f"raw aiokafka getmany : {raw_rate:>10,.0f} events/s ({raw_seconds:.2f}s)")
    print(f"getmany + decode only: {typed_rate:>10,.0f} events/s ({typed_seconds:.2f}s)")
    print(f"projection rebuild   : {rebuild_rate:>10,.0f} events/s ({rebuild_seconds:.2f}s)")
    print(f"ratio decode-only/raw: {typed_rate / raw_rate:.2f} (no database, no dedup)")
    print(f"ratio rebuild/raw    : {rebuild_rate / raw_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    arguments = parser.parse_args()
    endpoints = start_infra()
    tune_gc()  # as every service process does (kn_servicekit.serve)
    asyncio.run(main(*endpoints, arguments.events))
