"""The local runtime: real Kafka answers, each service's database is its own."""

from __future__ import annotations

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from kn_contracts.topics import TOPICS
from kn_deploy import infra, kafka
from kn_deploy.pytest_plugin import unique
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

pytestmark = pytest.mark.infra


async def test_a_message_produced_to_the_local_kafka_is_consumed_back(
    kafka_admin: KafkaAccess,
) -> None:
    topic = unique("roundtrip")
    admin = AIOKafkaAdminClient(**kafka_options(kafka_admin))
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    await admin.close()
    producer = AIOKafkaProducer(**kafka_options(kafka_admin), enable_idempotence=True, acks="all")
    await producer.start()
    await producer.send_and_wait(topic, b"hello", key=b"k", headers=[("h", b"v")])
    await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, **kafka_options(kafka_admin), auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert (record.key, record.value, list(record.headers)) == (b"k", b"hello", [("h", b"v")])


async def test_up_creates_every_registered_topic_and_its_dead_letter_topic(
    kafka_admin: KafkaAccess,
) -> None:
    names = set(await kafka.list_topics(kafka_admin))
    for topic in TOPICS:
        assert {topic.name, topic.dlq} <= names


async def test_a_service_role_cannot_open_another_services_database(
    endpoints: infra.Endpoints,
) -> None:
    meetings_url = endpoints.databases["meetings"]
    membership_db = endpoints.databases["membership"].rsplit("/", 1)[1]
    intruder = meetings_url.rsplit("/", 1)[0] + "/" + membership_db
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
        await asyncpg.connect(intruder)


@pytest.mark.parametrize("service", infra.SERVICES)
async def test_each_service_role_opens_its_own_database(
    endpoints: infra.Endpoints, service: str
) -> None:
    connection = await asyncpg.connect(endpoints.databases[service])
    try:
        assert await connection.fetchval("SELECT current_user") == f"kn_{service}"
    finally:
        await connection.close()
