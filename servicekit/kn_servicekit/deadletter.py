"""Dead letters, the writing side: a message that cannot be applied goes to `<topic>.dlq`.

The original value and headers are kept as they were; `kn_dlq_*` headers add the reason and
where it came from. A redrive (deadletter_inbox.py, where letters are read and settled)
sends the message back to its partition with one header more, `kn_origin`
(topic/partition/offset of the first copy), last: the projections that dead-lettered it
apply it, the others skip it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from kn_contracts.cpr import looks_like_cpr, mask, suspicious
from kn_contracts.topics import DLQ_SUFFIX
from kn_servicekit.errors import TransientError

DLQ_PREFIX = "kn_dlq_"
REASON_LIMIT = 2000
ORIGIN = "kn_origin"

Origin = tuple[str, int, int]  # topic, partition, offset of a message's first copy


def _origin(
    headers: Iterable[tuple[str, bytes]], topic: str, partition: int, offset: int
) -> Origin:
    for name, value in headers:
        if name == ORIGIN:
            try:
                origin_topic, origin_partition, origin_offset = value.decode().rsplit("/", 2)
                return origin_topic, int(origin_partition), int(origin_offset)
            except (AttributeError, UnicodeDecodeError, ValueError):
                raise MalformedOrigin(
                    f"kn_origin {value!r} is not topic/partition/offset"
                ) from None
    return topic, partition, offset


class MalformedOrigin(ValueError):
    """A kn_origin header that does not name topic/partition/offset (hand-made or forged)."""


def origin_header(origin: Origin) -> tuple[str, bytes]:
    """The `kn_origin` header a redriven copy carries (last) to name its first copy."""
    topic, partition, offset = origin
    return ORIGIN, f"{topic}/{partition}/{offset}".encode()


def is_redriven(headers: Sequence[tuple[str, bytes]]) -> bool:
    """True for a copy sent back by `redrive`, which puts `kn_origin` last (one look, as
    this runs for every consumed message)."""
    return bool(headers) and headers[-1][0] == ORIGIN


def origin_of(record: ConsumerRecord) -> Origin:
    """Where a message was first published (a redriven copy names it in `kn_origin`)."""
    return _origin(record.headers, record.topic, record.partition, record.offset)


@dataclass(frozen=True)
class Letter:
    """A message that could not be applied, and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    reason: str

    @property
    def origin(self) -> Origin:
        """Where the message was first published: the same for every redrive of it."""
        try:
            return _origin(self.headers, self.topic, self.partition, self.offset)
        except MalformedOrigin:  # a forged redrive: the letter stands for itself
            return self.topic, self.partition, self.offset


def letter_of(record: ConsumerRecord, reason: str) -> Letter:
    """A dead letter carrying a record exactly as it arrived, except a CPR-shaped number
    in its key, value or headers: masked by a keyed hash (`[cpr:<hash>]`, the same for the
    same number under one KN_CPR_MASK_KEY, so two letters can be matched), the one case a
    letter does not keep the bytes as they came (Coordinator 8)."""
    return Letter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=_masked(record.key),
        value=_masked(record.value),
        headers=tuple((name, _masked(value) or b"") for name, value in record.headers),
        reason=reason,
    )


def _masked(raw: bytes | None) -> bytes | None:
    if raw is None or not suspicious(raw):
        return raw
    text = raw.decode("utf-8", "replace")
    if not looks_like_cpr(text):
        return raw
    key = os.environ.get("KN_CPR_MASK_KEY", LOCAL_MASK_KEY).encode()
    return mask(text, key).encode()


LOCAL_MASK_KEY = "kvalitetsnet-local-mask-key"  # set KN_CPR_MASK_KEY to a secret in production


class DeadLetters:
    """Writes letters to the dead-letter topic of the topic they came from."""

    def __init__(self, producer: AIOKafkaProducer, consumer: str) -> None:
        self._producer = producer
        self._consumer = consumer

    async def send(self, letter: Letter) -> None:
        """Publish the letter and wait until Kafka has it."""
        extra = {
            "reason": letter.reason[:REASON_LIMIT],
            "topic": letter.topic,
            "partition": str(letter.partition),
            "offset": str(letter.offset),
            "consumer": self._consumer,
            "at": dt.datetime.now(dt.UTC).isoformat(),
        }
        headers = [
            *(h for h in letter.headers if not h[0].startswith(DLQ_PREFIX)),
            *((DLQ_PREFIX + name, value.encode()) for name, value in extra.items()),
        ]
        dlq = letter.topic + DLQ_SUFFIX
        try:
            await self._producer.send_and_wait(dlq, letter.value, key=letter.key, headers=headers)
        except KafkaError as exc:
            # aiokafka's error names no topic (a missing one is a bare UnknownTopicOrPartition)
            raise TransientError(
                f"{self._consumer} could not dead-letter {letter.topic}[{letter.partition}]"
                f"@{letter.offset} to {dlq} (does the topic exist?): {exc!r}"
            ) from exc
