"""`kn dlq`: what an operator on call sees of dead letters, and how they send them back."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from kn_contracts.envelope import TRACEPARENT
from kn_contracts.topics import DLQ_SUFFIX, TOPICS
from kn_servicekit.deadletter_inbox import DeadLetter, latest_pending, read_letters, redrive
from kn_servicekit.kafka_access import KafkaAccess, kafka_options, transports_closed
from kn_servicekit.progress import Progress, extent
from kn_servicekit.trace import parse


def list_letters(
    kafka: KafkaAccess, topics: Sequence[str], progress: bool = False
) -> list[tuple[str, DeadLetter]]:
    """(topic, letter) for every letter of the given topics (all registered ones if empty);
    `progress`: a meter on stderr counts the records read of every dead-letter topic."""

    async def gather() -> list[tuple[str, DeadLetter]]:
        found = []
        try:
            chosen = list(topics) or [t.name for t in TOPICS]
            meter = await _meter(kafka, chosen, "dlq list") if progress else None
            for topic in chosen:
                read = None if meter is None else meter.advance
                found += [(topic, letter) for letter in await read_letters(kafka, topic, read)]
            if meter is not None:
                meter.finish()
        finally:
            await transports_closed()
        return found

    return asyncio.run(gather())


async def _meter(kafka: KafkaAccess, topics: Sequence[str], label: str) -> Progress:
    """A meter over every record the topics' dead-letter topics hold now."""
    return Progress(await extent(kafka, [t + DLQ_SUFFIX for t in topics]), label, "records")


def redrive_letters(
    kafka: KafkaAccess, topic: str, offsets: Sequence[int], progress: bool = False
) -> list[DeadLetter]:
    """Send the chosen pending letters (all pending ones if no offsets) back to `topic`;
    `progress`: a meter on stderr counts the records read to find them."""

    async def run() -> list[DeadLetter]:
        try:
            return await send_back()
        finally:
            await transports_closed()

    async def send_back() -> list[DeadLetter]:
        meter = await _meter(kafka, [topic], "dlq redrive") if progress else None
        letters = await read_letters(kafka, topic, None if meter is None else meter.advance)
        if meter is not None:
            meter.finish()
        unknown = set(offsets) - {dead.dlq_offset for dead in letters}
        if unknown:
            raise ValueError(f"no dead letter at offset(s) {sorted(unknown)} of {topic}.dlq")
        chosen = [d for d in latest_pending(letters) if not offsets or d.dlq_offset in offsets]
        producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
        await producer.start()
        try:
            return await redrive(producer, topic, chosen)
        finally:
            await producer.stop()

    return asyncio.run(run())


def describe(topic: str, dead: DeadLetter) -> str:
    """One line per letter: where it was, who failed it, why, and whether it was redriven."""
    headers = dict(dead.letter.headers)
    ce = (headers.get("ce_type") or b"?").decode(errors="replace")
    ce_id = (headers.get("ce_id") or b"?").decode(errors="replace")
    state = "redriven" if dead.redriven else "dismissed" if dead.dismissed else "pending"
    traced = parse(headers.get(TRACEPARENT))  # the request that caused it, to grep the logs
    return (
        f"{topic}.dlq@{dead.dlq_offset} {state} from {dead.letter.topic}"
        f"[{dead.letter.partition}]@{dead.letter.offset} consumer={dead.consumer} "
        f"type={ce} id={ce_id}{'' if traced is None else ' trace=' + traced[0]} at={dead.at}"
        f"\n    reason: {dead.letter.reason}"
    )
