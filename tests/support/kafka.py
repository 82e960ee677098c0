"""Reading and writing test topics directly with aiokafka."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from kn_deploy import acls, broker_setup
from kn_deploy import kafka as kafka_local
from kn_deploy.broker_admin import Acl, delete_acls
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

Message = tuple[bytes | None, Sequence[tuple[str, bytes | None]], bytes | None]
"""(key, headers, value)"""


async def produce(kafka: KafkaAccess, topic: str, messages: Sequence[Message]) -> None:
    """Publish (key, headers, value) messages and wait for every acknowledgement."""
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all", linger_ms=5)
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


async def read_all(kafka: KafkaAccess, topic: str) -> list[ConsumerRecord]:
    """Every record now on `topic`, partition by partition."""
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
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


async def grant_sandbox(kafka: KafkaAccess, prefix: str) -> set[Acl]:
    """Every principal's ACLs on a sandbox's topics and groups (none on a PLAINTEXT broker)."""
    if not kafka.secured:
        return set()
    users = kafka_local.KafkaLocal.default().principals.read()
    granted = acls.acls(users, prefix)
    await broker_setup.grant(kafka, granted)
    return granted


async def drop_topics(kafka: KafkaAccess, prefix: str, granted: set[Acl] | None = None) -> None:
    """Delete a sandbox's topics (and its ACLs), so a broker kept between runs piles up
    neither partitions (each holds open files; thousands of them exhaust the broker's file
    limit) nor bindings."""
    admin = AIOKafkaAdminClient(**kafka_options(kafka))
    await admin.start()
    try:
        mine = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
        if granted:
            await delete_acls(admin, granted)
    finally:
        await admin.close()
