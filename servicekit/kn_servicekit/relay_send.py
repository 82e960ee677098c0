"""The relay's sending half: one batch of the event table to Kafka, each send settled.

An attempt that fails (Kafka stopped, a send timed out, the database gone before the batch
was recorded) may still have put part of the batch on Kafka. The next attempt leaves out
what Kafka holds of it, so no event is published twice, and sends with a fresh producer:
an idempotent producer whose batch expired keeps sequence numbers the broker refuses for
ever (OutOfOrderSequenceNumber), while the partitions that do take its sends fill up with
copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from kn_contracts.envelope import Envelope
from kn_servicekit.errors import TransientError
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.refusals import REFUSED_FOR_GOOD, REMEDIES, PublishRefused
from kn_servicekit.relay_guard import published_since

# A record's timestamp is the producer's clock when send() was called; look this far before
# a failed attempt began for what it wrote (it only costs reading a few more records).
CLOCK_MARGIN_MS = 5_000
log = structlog.get_logger("relay")


class Sender:
    """Sends batches for one relay; knows when Kafka may hold part of an unrecorded one."""

    def __init__(
        self,
        producer: AIOKafkaProducer,
        source: str,
        kafka: KafkaAccess | None,
        renew: Callable[[], AIOKafkaProducer] | None,
    ) -> None:
        self._producer = producer
        self._source = source
        self._kafka = kafka  # None: cannot look, so a failed batch is sent again whole
        self._renew = renew  # None: the caller's producer is used whatever happens
        self._own_producer = False  # one renew() made: stopped when replaced
        self._producer_spent = False
        # set when an attempt begins, cleared once its batch is recorded as published: since
        # then (ms), Kafka may hold events the relay has not recorded
        self._unsure_since: int | None = None

    async def send(self, rows: Sequence[asyncpg.Record], log_name: str, done: int) -> None:
        """Publish `rows` (those after position `done`); return once Kafka has each one."""
        unsure, self._unsure_since = self._unsure_since, self._unsure_since or _now_ms()
        if unsure is not None and self._kafka is not None:
            rows = await self._not_on_kafka(rows, log_name, done, unsure)
        if rows:
            await self._publish(rows, log_name)

    def recorded(self) -> None:
        """The batch sent last is recorded as published: nothing unsure remains."""
        self._unsure_since = None

    async def _not_on_kafka(
        self, rows: Sequence[asyncpg.Record], log_name: str, done: int, since: int
    ) -> Sequence[asyncpg.Record]:
        """Rows Kafka does not hold yet. A partition holds a prefix of its rows (one producer
        sends them in order), so leaving those out keeps each partition's order."""
        assert self._kafka is not None
        topics = sorted({row["topic"] for row in rows})
        held = await published_since(self._kafka, topics, log_name, done, since)
        if held:
            log.info("relay_leaves_out_published", count=len(held), after=done)
        return [row for row in rows if str(row["event_id"]) not in held]

    async def _sending_producer(self) -> AIOKafkaProducer:
        if self._producer_spent and self._renew is not None:
            fresh = self._renew()
            try:
                await fresh.start()
            except BaseException:
                with contextlib.suppress(Exception):  # a producer that failed to start is spent
                    await fresh.stop()
                raise
            spent, self._producer = self._producer, fresh
            if self._own_producer:
                with contextlib.suppress(Exception):
                    await spent.stop()
            self._own_producer, self._producer_spent = True, False
        return self._producer

    async def _publish(self, rows: Sequence[asyncpg.Record], log_name: str) -> None:
        producer = await self._sending_producer()
        sent: list[asyncio.Future[object]] = []
        try:
            for row in rows:
                envelope = Envelope(
                    id=str(row["event_id"]),
                    source=self._source,
                    type=row["ce_type"],
                    time=row["recorded_at"],
                    subject=row["stream_id"],
                    sequence=row["position"],
                    log=log_name,
                    traceparent=None if (tp := row["traceparent"]) is None else tp.encode(),
                )
                sent.append(
                    await producer.send(
                        row["topic"],
                        row["payload"].encode(),
                        key=row["kafka_key"].encode(),
                        headers=envelope.headers(),
                    )
                )
            for outcome in await asyncio.gather(*sent, return_exceptions=True):
                if isinstance(outcome, BaseException):
                    raise outcome
        except KafkaError as exc:
            # every send settles before the next attempt looks, so none lands after it
            await asyncio.gather(*sent, return_exceptions=True)
            self._producer_spent = True
            raise _failure(exc, rows, log_name) from exc

    async def stop(self) -> None:
        """Stop a producer this sender made itself (the caller's is the caller's)."""
        if self._own_producer:
            with contextlib.suppress(Exception):
                await self._producer.stop()


def _failure(exc: KafkaError, rows: Sequence[asyncpg.Record], log_name: str) -> Exception:
    """What a failed send means: refused for good (the log stops), or to be tried again."""
    # aiokafka's error names no topic (a missing one is a bare UnknownTopicOrPartition)
    topics = ", ".join(sorted({row["topic"] for row in rows}))
    positions = f"{rows[0]['position']}..{rows[-1]['position']}"
    if isinstance(exc, REFUSED_FOR_GOOD):
        return PublishRefused(
            f"Kafka refuses positions {positions} of log {log_name} for {topics} "
            f"({type(exc).__name__}); nothing after them is published until it takes them. "
            f"What to do: {REMEDIES.get(type(exc), 'read the broker log for the reason')}"
        )
    return TransientError(
        f"relay could not publish positions {positions} of log {log_name} to {topics} "
        f"(does each topic exist?): {exc!r}"
    )


def _now_ms() -> int:
    return int(time.time() * 1000) - CLOCK_MARGIN_MS
