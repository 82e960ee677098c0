"""The relay's restore guard: the highest position of a log that Kafka already holds."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from kn_contracts.envelope import Envelope
from kn_contracts.errors import ContractError
from kn_servicekit.deadletter import is_redriven
from kn_servicekit.kafka import caught_up, partitions_of


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
        high = 0
        while not await caught_up(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if is_redriven(record.headers):
                        continue
                    try:
                        envelope = Envelope.from_headers(record.headers)
                    except ContractError:
                        continue  # not ours to count; the consumers dead-letter it
                    if envelope.log == log and envelope.sequence is not None:
                        high = max(high, envelope.sequence)
        return high
    finally:
        await consumer.stop()
