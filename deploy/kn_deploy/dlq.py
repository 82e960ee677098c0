"""`kn dlq`: what an operator on call sees of dead letters, and how they send them back."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from kn_contracts.topics import TOPICS
from kn_servicekit.deadletter_inbox import DeadLetter, latest_pending, read_letters, redrive
from kn_servicekit.kafka_access import KafkaAccess, kafka_options, transports_closed


def list_letters(kafka: KafkaAccess, topics: Sequence[str]) -> list[tuple[str, DeadLetter]]:
    """(topic, letter) for every letter of the given topics (all registered ones if empty)."""

    async def gather() -> list[tuple[str, DeadLetter]]:
        found = []
        try:
            for topic in topics or [t.name for t in TOPICS]:
                found += [(topic, letter) for letter in await read_letters(kafka, topic)]
        finally:
            await transports_closed()
        return found

    return asyncio.run(gather())


def redrive_letters(kafka: KafkaAccess, topic: str, offsets: Sequence[int]) -> list[DeadLetter]:
    """Send the chosen pending letters (all pending ones if no offsets) back to `topic`."""

    async def run() -> list[DeadLetter]:
        try:
            return await send_back()
        finally:
            await transports_closed()

    async def send_back() -> list[DeadLetter]:
        letters = await read_letters(kafka, topic)
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
    return (
        f"{topic}.dlq@{dead.dlq_offset} {state} from {dead.letter.topic}"
        f"[{dead.letter.partition}]@{dead.letter.offset} consumer={dead.consumer} "
        f"type={ce} id={ce_id} at={dead.at}\n    reason: {dead.letter.reason}"
    )
