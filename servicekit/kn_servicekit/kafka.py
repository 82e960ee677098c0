"""Small aiokafka helpers the kit's adapters share."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """Every partition of `topic`, refreshing metadata once if the consumer has not seen it."""
    found = consumer.partitions_for_topic(topic)
    if not found:
        # A consumer only tracks metadata of topics it subscribed to, and aiokafka has no
        # public call for another topic's partitions; ask the cluster directly.
        cluster = await consumer._client.fetch_all_metadata()
        found = cluster.partitions_for_topic(topic)
    return [TopicPartition(topic, partition) for partition in sorted(found or ())]


async def caught_up(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    """True once the consumer's position reached `ends` on every partition."""
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True
