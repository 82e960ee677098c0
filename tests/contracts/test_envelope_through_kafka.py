"""A CloudEvent written by our envelope survives real Kafka and the official SDK reads it."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_contracts.envelope import encode
from kn_deploy.pytest_plugin import unique
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from tests.contracts.test_envelope import ENVELOPE, JOINED

pytestmark = pytest.mark.infra


async def test_the_sdk_decodes_our_cloudevent_after_a_round_trip_through_kafka(
    kafka_admin: KafkaAccess,
) -> None:
    topic = unique("envelope")
    admin = AIOKafkaAdminClient(**kafka_options(kafka_admin))
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    await admin.close()
    headers, value = encode(JOINED, ENVELOPE)
    producer = AIOKafkaProducer(**kafka_options(kafka_admin), acks="all")
    await producer.start()
    await producer.send_and_wait(topic, value, key=b"network-aalborg-oest", headers=headers)
    await producer.stop()
    consumer = AIOKafkaConsumer(topic, **kafka_options(kafka_admin), auto_offset_reset="earliest")
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()

    message = KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    event = from_binary_event(message)

    assert event.get_id() == ENVELOPE.id
    assert event.get_type() == "dk.kvalitetsnet.membership.MemberJoined.v2"
    assert event.get_time() == ENVELOPE.time
    assert event.get_datacontenttype() == "application/json"
    assert event.get_extension("partitionkey") == "network-aalborg-oest"
    assert JOINED.model_validate(event.get_data()) == JOINED
