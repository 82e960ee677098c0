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


async def highest_sequence(bootstrap: str, topics: list[str], log: str, tail: int = 100) -> int:
    """The highest ce_sequence of `log` among the last `tail` records of each partition of
    `topics` (redriven copies aside: they repeat an old position); 0 if none."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [tp for topic in topics for tp in await partitions_of(consumer, topic)]
        if not partitions:
            return 0
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        begins = await consumer.beginning_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, max(begins[tp], ends[tp] - tail))
        high, ours = 0, log.encode()
        while not await caught_up(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    headers = dict(record.headers)
                    sequence = headers.get("ce_sequence")
                    if (headers.get("ce_knlog") == ours and "kn_origin" not in headers
                            and sequence is not None and sequence.isdigit()):  # fmt: skip
                        high = max(high, int(sequence))
        return high
    finally:
        await consumer.stop()
