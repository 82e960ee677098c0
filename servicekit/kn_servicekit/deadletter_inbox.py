"""Dead letters, the inbox side: what lies on `<topic>.dlq`, and how a person settles it.

Letters are read back with whether they were settled: a marker on the dead-letter topic
(`kn_dlq_redriven` or `kn_dlq_dismissed`, naming the letter's dlq offset) settles it. A
redrive sends a pending letter back to its partition with `kn_origin` last, so only the
projections holding it apply it. Used by membership's `/feed/unresolved` and by `kn dlq`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from kn_contracts.topics import DLQ_SUFFIX
from kn_servicekit.deadletter import DLQ_PREFIX, ORIGIN, Letter, origin_header
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

REDRIVEN = DLQ_PREFIX + "redriven"
DISMISSED = DLQ_PREFIX + "dismissed"


@dataclass(frozen=True)
class DeadLetter:
    """A letter as found on a dead-letter topic."""

    dlq_offset: int
    letter: Letter
    consumer: str
    at: str
    redriven: bool
    dismissed: bool = False

    @property
    def pending(self) -> bool:
        """Neither sent back nor set aside by a person."""
        return not (self.redriven or self.dismissed)

    @property
    def identity(self) -> tuple[str, ...]:
        """Which message this is: a message read again after a crash or rebalance can be
        dead-lettered twice; both copies are one message to settle."""
        headers = dict(self.letter.headers)
        source, event_id = headers.get("ce_source"), headers.get("ce_id")
        if source and event_id:  # missing, valueless or empty: known by its place instead
            return (
                self.consumer,
                source.decode(errors="replace"),
                event_id.decode(errors="replace"),
            )
        return (
            self.consumer,
            self.letter.topic,
            str(self.letter.partition),
            str(self.letter.offset),
        )


def latest_pending(letters: list[DeadLetter]) -> list[DeadLetter]:
    """One letter per unsettled message: the latest copy."""
    latest: dict[tuple[str, ...], DeadLetter] = {}
    for dead in letters:
        if dead.pending:
            latest[dead.identity] = dead
    return sorted(latest.values(), key=lambda dead: dead.dlq_offset)


async def read_letters(
    kafka: KafkaAccess, topic: str, read: Callable[[int], None] | None = None
) -> list[DeadLetter]:
    """Every letter on `<topic>.dlq`, with whether it has been redriven; `read` is told
    how many records each fetch brought (a CLI's progress meter)."""
    dlq = topic + DLQ_SUFFIX
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, dlq)
        if not partitions:
            raise ValueError(f"there is no dead-letter topic {dlq}")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records = []
        while not await caught_up(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000)
            records += [record for chunk in batch.values() for record in chunk]
            if read is not None:
                read(sum(len(chunk) for chunk in batch.values()))
    finally:
        await consumer.stop()
    letters = [letter for record in records if (letter := _letter(record)) is not None]
    return _settle(letters, records)


def _letter(record: ConsumerRecord) -> DeadLetter | None:
    meta = {
        name.removeprefix(DLQ_PREFIX): value.decode()
        for name, value in record.headers
        if name.startswith(DLQ_PREFIX)
    }
    if "reason" not in meta:
        return None  # a marker, not a letter
    return DeadLetter(
        dlq_offset=record.offset,
        letter=Letter(
            topic=meta["topic"],
            partition=int(meta["partition"]),
            offset=int(meta["offset"]),
            key=record.key,
            value=record.value,
            headers=tuple(h for h in record.headers if not h[0].startswith(DLQ_PREFIX)),
            reason=meta["reason"],
        ),
        consumer=meta.get("consumer", "?"),
        at=meta.get("at", "?"),
        redriven=False,
    )


def _settle(letters: list[DeadLetter], records: list[ConsumerRecord]) -> list[DeadLetter]:
    """A marker settles the letter it names and every earlier copy of the same message;
    a copy dead-lettered after the marker (it failed again) stays pending."""
    by_offset = {dead.dlq_offset: dead for dead in letters}
    marks: list[tuple[int, str, tuple[str, ...]]] = []
    for record in records:
        for name, value in record.headers:
            if name in (REDRIVEN, DISMISSED) and int(value.decode()) in by_offset:
                marks.append((record.offset, name, by_offset[int(value.decode())].identity))
    settled = []
    for dead in letters:
        later = {kind for at, kind, who in marks if who == dead.identity and at > dead.dlq_offset}
        settled.append(replace(dead, redriven=REDRIVEN in later, dismissed=DISMISSED in later))
    return settled


async def redrive(
    producer: AIOKafkaProducer, topic: str, letters: list[DeadLetter]
) -> list[DeadLetter]:
    """Publish each pending letter back to its partition, bytes and headers as they came
    and `kn_origin` last, and mark it redriven. Only the projections holding the letter
    apply it; the others applied (or dead-lettered) the first copy already."""
    done = []
    for dead in letters:
        if not dead.pending:
            continue
        letter = dead.letter
        _, partition, _ = letter.origin
        headers = [h for h in letter.headers if h[0] != ORIGIN]
        headers.append(origin_header(letter.origin))
        await producer.send_and_wait(
            letter.topic, letter.value, key=letter.key, headers=headers, partition=partition
        )
        await producer.send_and_wait(
            topic + DLQ_SUFFIX,
            None,
            key=letter.key,
            headers=[(REDRIVEN, str(dead.dlq_offset).encode())],
        )
        done.append(dead)
    return done


async def dismiss(
    producer: AIOKafkaProducer, topic: str, dead: DeadLetter, actor: str, note: str
) -> None:
    """Set a letter aside without sending it back (its cause was settled another way)."""
    await producer.send_and_wait(
        topic + DLQ_SUFFIX,
        None,
        key=dead.letter.key,
        headers=[
            (DISMISSED, str(dead.dlq_offset).encode()),
            (DLQ_PREFIX + "dismissed_by", actor.encode()),
            (DLQ_PREFIX + "note", note.encode()),
        ],
    )
