"""Appended → on Kafka: relay latency (p50/p99) next to a direct produce → consume baseline.

    .venv/bin/python -m benchmarks.relay_latency [--events 500]

Both are measured the same way in the same run: from the moment the writer's call returns
(the append committed, or the direct send acknowledged) until a consumer holds the message.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks.common import percentile, scratch_pool, start_infra
from kn_servicekit.kafka import partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.pgstore import PostgresEventStore, create_schema
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.tuning import tune_gc
from tests.support.ticks import CATALOG, create_topic, tick, tick_message


async def receive(consumer: AIOKafkaConsumer, arrived: dict[str, float], count: int) -> None:
    while len(arrived) < count:
        batch = await consumer.getmany(timeout_ms=100)
        now = time.perf_counter()
        for records in batch.values():
            for record in records:
                arrived.setdefault(dict(record.headers)["ce_id"].decode(), now)


async def listening(kafka: KafkaAccess, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(**kafka_options(kafka), fetch_max_wait_ms=10)
    await consumer.start()
    partitions = await partitions_of(consumer, topic)
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for tp in partitions:
        await consumer.position(tp)
    return consumer


async def relay_latency(kafka: KafkaAccess, url: str, events: int, gap: float) -> list[float]:
    topic = f"bench-relay-{uuid.uuid4().hex[:8]}"
    await create_topic(kafka, topic)
    async with scratch_pool(url) as pool:
        await create_schema(pool)
        store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
        producer = make_producer(kafka, "bench-relay")
        await producer.start()
        relay = asyncio.create_task(Relay(pool, producer, "/kvalitetsnet/bench").run())
        consumer = await listening(kafka, topic)
        arrived: dict[str, float] = {}
        receiver = asyncio.create_task(receive(consumer, arrived, events))
        appended: dict[str, float] = {}
        for n in range(events):
            [stored] = await store.append(f"s{n % 10}", n // 10, [tick(f"s{n % 10}")])
            appended[str(stored.event_id)] = time.perf_counter()
            await asyncio.sleep(gap)
        await asyncio.wait_for(receiver, 60)
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
    return [arrived[i] - t for i, t in appended.items()]


async def direct_latency(kafka: KafkaAccess, events: int, gap: float) -> list[float]:
    topic = f"bench-direct-{uuid.uuid4().hex[:8]}"
    await create_topic(kafka, topic)
    producer = AIOKafkaProducer(**kafka_options(kafka), enable_idempotence=True, acks="all")
    await producer.start()
    consumer = await listening(kafka, topic)
    arrived: dict[str, float] = {}
    receiver = asyncio.create_task(receive(consumer, arrived, events))
    sent: dict[str, float] = {}
    for n in range(events):
        event_id = str(uuid.uuid4())
        headers, value = tick_message(event_id, tick(f"s{n % 10}"))
        await producer.send_and_wait(topic, value, key=f"s{n % 10}".encode(), headers=headers)
        sent[event_id] = time.perf_counter()
        await asyncio.sleep(gap)
    await asyncio.wait_for(receiver, 60)
    await consumer.stop()
    await producer.stop()
    return [arrived[i] - t for i, t in sent.items()]


def report(name: str, latencies: list[float]) -> tuple[float, float]:
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    print(f"{name:<32} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   (n={len(latencies)})")
    return p50, p99


async def main(kafka: KafkaAccess, url: str, events: int) -> None:
    gap = 0.01
    relay_p50, relay_p99 = report("append -> relay -> consumer", await relay_latency(
        kafka, url, events, gap))  # fmt: skip
    direct_p50, direct_p99 = report("send_and_wait -> consumer", await direct_latency(
        kafka, events, gap))  # fmt: skip
    print(
        f"ratio relay/direct: p50 {relay_p50 / direct_p50:.1f}x, p99 {relay_p99 / direct_p99:.1f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    arguments = parser.parse_args()
    endpoints = start_infra()
    tune_gc()
    asyncio.run(main(*endpoints, arguments.events))
