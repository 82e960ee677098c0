"""Small aiokafka helpers the kit's adapters share."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.shares import Place

log = structlog.get_logger("kafka")

STOP_WITHIN = 10.0  # seconds a consumer's stop is waited for


async def stop_consumer(consumer: AIOKafkaConsumer, name: str, within: float = STOP_WITHIN) -> None:
    """`consumer.stop()`, waited for `within` seconds at most. A group member stopped while
    its group rebalances can wait on aiokafka's heartbeat routine without end
    (aio-libs/aiokafka#773), holding a service's shutdown; a runner's offsets live in its
    database, so a consumer left to close in the background loses nothing."""
    stopping = asyncio.ensure_future(consumer.stop())
    done, _ = await asyncio.wait({stopping}, timeout=within)
    if not done:
        log.warning("kafka_consumer_stop_timed_out", consumer=name, waited_s=within)


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


async def bounds(
    kafka: KafkaAccess, topics: Sequence[str]
) -> dict[TopicPartition, tuple[int, int]]:
    """Every partition of `topics` (those that exist) with its beginning and end offsets now."""
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [tp for name in topics for tp in await partitions_of(consumer, name)]
        if not partitions:
            return {}
        # Tracked by the client, the topics' metadata comes in one request; untracked,
        # aiokafka asks for one topic at a time, 0.1 s (retry_backoff_ms) apart: 0.4 s for
        # the audit's four topics before it could read anything. Not by `assign`, whose
        # fetcher would start a fetch that `stop` then waits for (up to fetch_max_wait_ms).
        await consumer._client.set_topics(sorted({tp.topic for tp in partitions}))
        starts = await consumer.beginning_offsets(partitions)
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return {tp: (starts[tp], ends[tp]) for tp in partitions}


async def end_places(kafka: KafkaAccess, topics: Sequence[str]) -> list[Place]:
    """Every partition of `topics` with its end offset now: what a replay from 0 reads."""
    found = await bounds(kafka, topics)
    if not found:
        raise RuntimeError(f"none of {', '.join(topics)} exists on {kafka.bootstrap}")
    return [(tp.topic, tp.partition, end) for tp, (_, end) in found.items()]
