"""What Kafka already holds of a log: its highest position (the relay's restore guard), and
the events a failed attempt put there (so the next attempt does not send them again)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from kn_contracts.envelope import Envelope
from kn_contracts.errors import ContractError
from kn_servicekit.deadletter import is_redriven
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

Ends = dict[TopicPartition, int]
# seeks each partition to where reading starts (the partitions' end offsets given)
Placer = Callable[[AIOKafkaConsumer, Ends], Awaitable[None]]


async def highest_sequence(kafka: KafkaAccess, topics: list[str], log: str, tail: int = 100) -> int:
    """The highest ce_sequence of `log` among the last `tail` records of each partition of
    `topics` (redriven copies aside: they repeat an old position); 0 if none."""

    async def from_tail(consumer: AIOKafkaConsumer, ends: Ends) -> None:
        begins = await consumer.beginning_offsets(list(ends))
        for tp, end in ends.items():
            consumer.seek(tp, max(begins[tp], end - tail))

    high = 0
    async for envelope in _envelopes(kafka, topics, log, from_tail):
        high = max(high, envelope.sequence or 0)
    return high


async def published_since(
    kafka: KafkaAccess, topics: list[str], log: str, after: int, since_ms: int
) -> set[str]:
    """The ce_id of each event of `log` above position `after` that `topics` took from
    `since_ms` (record timestamps, the producer's clock) on."""

    async def from_time(consumer: AIOKafkaConsumer, ends: Ends) -> None:
        found = await consumer.offsets_for_times(dict.fromkeys(ends, since_ms))
        for tp, end in ends.items():
            at = found.get(tp)
            consumer.seek(tp, end if at is None else at.offset)

    return {
        envelope.id
        async for envelope in _envelopes(kafka, topics, log, from_time)
        if envelope.sequence is not None and envelope.sequence > after
    }


async def _envelopes(
    kafka: KafkaAccess, topics: list[str], log: str, place: Placer
) -> AsyncIterator[Envelope]:
    """The envelopes of `log` from where `place` seeks each partition to its end now."""
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
    try:
        await consumer.start()
        partitions = [tp for topic in topics for tp in await partitions_of(consumer, topic)]
        if not partitions:
            return
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await place(consumer, ends)
        while not await caught_up(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for envelope in _of_log(records, log):
                    yield envelope
    finally:
        await consumer.stop()


def _of_log(records: list[ConsumerRecord], log: str) -> Iterator[Envelope]:
    for record in records:
        if is_redriven(record.headers):
            continue  # a redriven copy repeats an old position
        try:
            envelope = Envelope.from_headers(record.headers)
        except ContractError:
            continue  # not ours to count; the consumers dead-letter it
        if envelope.log == log and envelope.sequence is not None:
            yield envelope
