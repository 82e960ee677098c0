"""Kafka for a latency benchmark: when each record was produced (its CreateTime, read after
the run so that reading costs the run nothing) and a raw aiokafka produce -> consume round
trip with the kit's own producer and consumer settings, as a baseline."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer

from benchmarks.latency_parts import open_loop
from kn_servicekit.kafka import partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.relay import make_producer
from tests.support.kafka import read_all
from tests.support.ticks import create_topic

Message = tuple[bytes | None, list[tuple[str, bytes]], bytes | None]
"""(key, headers, value) of one Kafka record"""


async def record_times(
    kafka: KafkaAccess, topic: str, field: str
) -> tuple[dict[str, float], Message]:
    """When each record of `topic` was produced (its CreateTime, 1 ms resolution, on this
    process's perf_counter clock), by its JSON value's `field`; and its last record as it
    travels (a model message for the baseline)."""
    offset = time.time() - time.perf_counter()
    times: dict[str, float] = {}
    message: Message | None = None
    for record in await read_all(kafka, topic):
        value = json.loads(record.value)
        if field in value:
            times[str(value[field])] = record.timestamp / 1000 - offset
            message = (record.key, list(record.headers), record.value)
    if message is None:
        raise ValueError(f"no record on {topic} has a {field}")
    return times, message


async def round_trip(
    kafka: KafkaAccess, topic: str, message: Message, keys: Sequence[str], count: int, rate: float
) -> list[float]:
    """Raw aiokafka through the same broker: the relay's producer (make_producer) sends
    `message` under each key in turn at `rate`; a consumer with the projection runner's
    settings (aiokafka's defaults, getmany(timeout_ms=500)) reads it. Send -> consumer holds."""
    await create_topic(kafka, topic)
    producer = make_producer(kafka, "bench-round-trip")
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False,
                                max_partition_fetch_bytes=4 * 1024 * 1024)  # fmt: skip
    await producer.start()
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        sent: dict[bytes, float] = {}
        arrived: dict[bytes, float] = {}

        async def receive() -> None:
            while len(arrived) < count:
                batch = await consumer.getmany(timeout_ms=500, max_records=5000)
                now = time.perf_counter()
                for records in batch.values():
                    for record in records:
                        arrived.setdefault(dict(record.headers)["bench_n"], now)

        async def send(n: int, released: float) -> None:
            _, headers, value = message
            number = str(n).encode()
            sent[number] = released
            await producer.send(topic, value, key=keys[n % len(keys)].encode(),
                                headers=[*headers, ("bench_n", number)])  # fmt: skip

        receiving = asyncio.create_task(receive())
        await open_loop(count, rate, send)
        await asyncio.wait_for(receiving, 60)
        return [arrived[n] - t for n, t in sent.items()]
    finally:
        await consumer.stop()
        await producer.stop()
