"""Reading and writing test topics directly with aiokafka."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from kn_servicekit.kafka import caught_up, partitions_of

Message = tuple[bytes | None, Sequence[tuple[str, bytes | None]], bytes | None]
"""(key, headers, value)"""


async def produce(bootstrap: str, topic: str, messages: Sequence[Message]) -> None:
    """Publish (key, headers, value) messages and wait for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, value, key=key, headers=headers)
            for key, headers, value in messages
        ]
        for future in sent:
            await future
    finally:
        await producer.stop()


async def read_all(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    """Every record now on `topic`, partition by partition."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        deadline = asyncio.get_running_loop().time() + 30
        while not await caught_up(consumer, ends):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{topic} not read to its end {ends} within 30 s")
            batch = await consumer.getmany(timeout_ms=1000)
            records += [r for chunk in batch.values() for r in chunk]
        return records
    finally:
        await consumer.stop()


async def drop_topics(bootstrap: str, prefix: str) -> None:
    """Delete a sandbox's topics, so a broker kept between runs does not pile up partitions
    (each holds open files; thousands of them exhaust the broker's file limit)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()
