"""The projection runner: Kafka in, read-model rows and offsets out, in one transaction.

Offsets live in the projection's schema, written with the rows they produced, so a crash
at any point resumes exactly after the last commit; Kafka's group offsets are never used.
Events are de-duplicated by (ce_source, ce_id). A message that cannot be decoded, or whose
handler fails for a non-transient reason, goes to the dead-letter topic and the runner goes
on; a transient failure (database or Kafka away) is retried with backoff and never skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from kn_contracts.catalog import Catalog
from kn_contracts.envelope import decode
from kn_contracts.errors import ContractError
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters, Letter
from kn_servicekit.errors import TransientError
from kn_servicekit.kafka import caught_up
from kn_servicekit.projection import Cutoff, Delivery, Projection

log = structlog.get_logger("projection")

RUNNER_TABLES = """
CREATE TABLE IF NOT EXISTS kn_offsets (
    topic        text NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
CREATE TABLE IF NOT EXISTS kn_seen (
    source  text NOT NULL,
    id      text NOT NULL,
    PRIMARY KEY (source, id)
);
"""

TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    KafkaError,
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


@dataclass
class _Backoff:
    first: float = 0.1
    cap: float = 5.0
    current: float = 0.0

    def next(self) -> float:
        self.current = min(self.cap, self.current * 2 if self.current else self.first)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


class ProjectionRunner:
    """Feeds one projection in one schema from its topics."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        bootstrap: str,
        projection: Projection,
        catalog: Catalog,
        schema: str,
        dead_letters: DeadLetters,
        group_id: str | None = None,
        max_records: int = 2000,
        cutoff: Cutoff | None = None,
    ) -> None:
        self._pool = pool
        self._bootstrap = bootstrap
        self._projection = projection
        self._catalog = catalog
        self._schema = schema
        self._dead_letters = dead_letters
        self._group_id = group_id
        self._max_records = max_records
        self._cutoff = cutoff
        self.consumed = 0  # records read from Kafka, duplicates included
        self.applied = 0  # events applied to the read model

    @property
    def schema(self) -> str:
        return self._schema

    async def prepare(self) -> None:
        """Create the schema, the runner's tables and the projection's tables."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
            await self._enter_schema(conn)
            await conn.execute(RUNNER_TABLES)
            await self._projection.create(conn)

    async def run(self, *, until_caught_up: bool = False) -> None:
        """Consume until cancelled, or (until_caught_up) until the end offsets seen at start."""
        await self.prepare()
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        await consumer.start()
        try:
            if self._group_id is None:
                partitions = await self._all_partitions(consumer)
                consumer.assign(partitions)
                await self._seek_to_stored(consumer, partitions)
            else:
                listener = _SeekToStored(self, consumer)
                consumer.subscribe(list(self._projection.topics), listener=listener)
            ends = (
                await consumer.end_offsets(list(consumer.assignment())) if until_caught_up else {}
            )
            await self._loop(consumer, ends if until_caught_up else None)
        finally:
            await consumer.stop()

    async def _loop(
        self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int] | None
    ) -> None:
        backoff = _Backoff()
        reseek = False
        while True:
            try:
                if reseek:
                    await self._seek_to_stored(consumer, list(consumer.assignment()))
                    reseek = False
                if ends is not None and await caught_up(consumer, ends):
                    return
                batch = await consumer.getmany(timeout_ms=500, max_records=self._max_records)
                for tp, records in batch.items():
                    await self._process(tp, records)
                    self.consumed += len(records)
                backoff.reset()
            except TRANSIENT as exc:
                delay = backoff.next()
                log.warning("projection_retrying", projection=self._projection.name,
                            error=repr(exc), retry_in=delay)  # fmt: skip
                await asyncio.sleep(delay)
                reseek = True  # re-read from the offsets the database holds

    async def _process(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        deliveries: list[tuple[ConsumerRecord, Delivery]] = []
        letters: list[Letter] = []
        for record in records:
            try:
                envelope, event = decode(record.headers, record.value, self._catalog)
            except ContractError as exc:
                letters.append(_letter(record, f"contract: {exc}"))
                continue
            delivery = Delivery(tp.topic, tp.partition, record.offset, envelope, event)
            if self._cutoff is None or self._cutoff.admits(delivery):
                deliveries.append((record, delivery))
        async with self._pool.acquire() as conn, conn.transaction():
            await self._enter_schema(conn)
            fresh = await self._claim(conn, deliveries)
            letters += await self._apply(conn, fresh)
            for letter in letters:
                # before the commit that moves the offset past it: at worst sent twice
                await self._dead_letters.send(letter)
            await conn.execute(
                """INSERT INTO kn_offsets (topic, partition, next_offset) VALUES ($1, $2, $3)
                   ON CONFLICT (topic, partition) DO UPDATE
                   SET next_offset = greatest(kn_offsets.next_offset, excluded.next_offset)""",
                tp.topic,
                tp.partition,
                records[-1].offset + 1,
            )
        self.applied += len(fresh) - len(letters)

    async def _claim(
        self, conn: Connection, deliveries: list[tuple[ConsumerRecord, Delivery]]
    ) -> list[tuple[ConsumerRecord, Delivery]]:
        """Record each (source, id) as seen; keep the first delivery of each new one."""
        if not deliveries:
            return []
        rows = await conn.fetch(
            """INSERT INTO kn_seen (source, id)
               SELECT * FROM unnest($1::text[], $2::text[])
               ON CONFLICT DO NOTHING RETURNING source, id""",
            [d.envelope.source for _, d in deliveries],
            [d.envelope.id for _, d in deliveries],
        )
        new = {(row["source"], row["id"]) for row in rows}
        fresh = []
        for record, delivery in deliveries:
            key = (delivery.envelope.source, delivery.envelope.id)
            if key in new:
                new.discard(key)
                fresh.append((record, delivery))
        return fresh

    async def _apply(
        self, conn: Connection, fresh: list[tuple[ConsumerRecord, Delivery]]
    ) -> list[Letter]:
        """Apply the batch in one savepoint; if it fails, find the poison one by one."""
        if not fresh:
            return []
        try:
            async with conn.transaction():
                await self._projection.apply(conn, [d for _, d in fresh])
            return []
        except TRANSIENT:
            raise
        except Exception:
            log.warning("projection_batch_failed_isolating", projection=self._projection.name)
        letters = []
        for record, delivery in fresh:
            try:
                async with conn.transaction():
                    await self._projection.apply(conn, [delivery])
            except TRANSIENT:
                raise
            except Exception as exc:
                letters.append(_letter(record, f"handler: {type(exc).__name__}: {exc}"))
                await conn.execute(
                    "DELETE FROM kn_seen WHERE source = $1 AND id = $2",
                    delivery.envelope.source,
                    delivery.envelope.id,
                )  # so a redrive after the fix is applied
        return letters

    async def _enter_schema(self, conn: Connection) -> None:
        await conn.execute(f'SET LOCAL search_path TO "{self._schema}"')

    async def _all_partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        partitions = []
        for topic in self._projection.topics:
            found = consumer.partitions_for_topic(topic)
            if not found:
                await consumer._client.force_metadata_update()
                found = consumer.partitions_for_topic(topic)
            if not found:
                raise ValueError(f"topic {topic} does not exist")
            partitions += [TopicPartition(topic, p) for p in sorted(found)]
        return partitions

    async def _seek_to_stored(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await self._enter_schema(conn)
            rows = await conn.fetch("SELECT topic, partition, next_offset FROM kn_offsets")
        stored = {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        for tp in partitions:
            if tp in stored:
                consumer.seek(tp, stored[tp])
            else:
                await consumer.seek_to_beginning(tp)


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    """On every assignment, resume from the offsets in the database, not the group's."""

    def __init__(self, runner: ProjectionRunner, consumer: AIOKafkaConsumer) -> None:
        self._runner = runner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        """Nothing to do: offsets are committed with every batch."""

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        """Seek each newly assigned partition to its stored offset."""
        await self._runner._seek_to_stored(self._consumer, assigned)


def _letter(record: ConsumerRecord, reason: str) -> Letter:
    return Letter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers),
        reason=reason,
    )
