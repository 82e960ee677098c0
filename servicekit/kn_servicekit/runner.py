"""The projection runner: Kafka in, read-model rows and offsets out, in one transaction.

Offsets live in the projection's schema, written with the rows they produced (batches.py),
so a restart or a rebalance resumes from the database's offsets, never the group's.
A message that cannot be decoded, or whose handler fails for a non-transient reason, goes
to the dead-letter topic and the runner goes on; a transient failure (database or Kafka
away) is retried with backoff from the stored offsets, so nothing is ever skipped. While
the database writes one batch, the next is fetched and decoded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord

from kn_contracts.catalog import Catalog
from kn_contracts.envelope import decode
from kn_contracts.errors import ContractError
from kn_servicekit.batches import RUNNER_TABLES, Batch, BatchWriter, letter_of, stored_offsets
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.errors import Superseded, TransientError
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.projection import Cutoff, Delivery, Projection
from kn_servicekit.transient import TRANSIENT, Backoff

log = structlog.get_logger("projection")


Item = Batch | Exception | None
_delivery = tuple.__new__


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
        max_records: int = 5000,
        cutoff: Cutoff | None = None,
        live_name: str | None = None,
    ) -> None:
        self._pool = pool
        self._live_name = live_name  # set: stop when readers are switched to another schema
        self._bootstrap = bootstrap
        self._projection = projection
        self._catalog = catalog
        self._schema = schema
        self._group_id = group_id
        self._max_records = max_records
        self._cutoff = cutoff
        self._writer = BatchWriter(projection, dead_letters, TRANSIENT)
        self._unpositioned = False  # a rebalance could not read the stored offsets
        self._ready = asyncio.Event()
        self.consumed = 0  # records read from Kafka, repeats and dead letters included

    @property
    def schema(self) -> str:
        return self._schema

    @property
    def follows_group(self) -> bool:
        """True when partitions come from a consumer group (live), not assigned (replay)."""
        return self._group_id is not None

    @property
    def applied(self) -> int:
        """Events applied to the read model."""
        return self._writer.applied

    async def prepare(self) -> None:
        """Create the schema, the runner's tables and the projection's tables."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
            await self._enter_schema(conn)
            await conn.execute(RUNNER_TABLES)
            await self._projection.create(conn)

    async def run(
        self, *, until_caught_up: bool = False, ready: asyncio.Event | None = None
    ) -> None:
        """Consume until cancelled, or (until_caught_up) until the end offsets seen at start.
        `ready` is set once the consumer is placed and its first fetch has returned."""
        self._ready = ready or asyncio.Event()
        await self.prepare()
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        try:
            await consumer.start()
            if self._group_id is None:
                consumer.assign(await self._all_partitions(consumer))
            else:
                listener = _SeekToStored(self, consumer)
                consumer.subscribe(list(self._projection.topics), listener=listener)
            ends = None
            if until_caught_up:
                ends = await consumer.end_offsets(list(consumer.assignment()))
            await self._loop(consumer, ends)
        finally:
            await consumer.stop()

    async def _loop(
        self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int] | None
    ) -> None:
        backoff = Backoff()
        while True:
            reader: asyncio.Task[None] | None = None
            try:
                async with self._pool.acquire() as conn:
                    await conn.execute(f"SET search_path TO {await self._search_path(conn)}")
                    if getattr(self._projection, "derived", True):
                        # A read model is derivable from the log and its offsets commit with
                        # its rows: a server crash losing the last commits means reading them
                        # again. Not so for a command consumer appending to an event store.
                        await conn.execute("SET synchronous_commit TO off")
                    assigned = list(consumer.assignment())
                    await self._seek(consumer, assigned, conn)
                    consumer.resume(*assigned)
                    self._unpositioned = False
                    queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=2)
                    reader = asyncio.create_task(self._read(consumer, ends, queue))
                    while (item := await queue.get()) is not None:
                        if isinstance(item, Exception):
                            raise item  # transient: retried below; anything else: loudly
                        await self._still_live(conn)
                        await self._writer.write(conn, item)
                        self.consumed += item.consumed
                        backoff.reset()
                    return
            except TRANSIENT as exc:
                delay = backoff.next()
                log.warning("projection_retrying", projection=self._projection.name,
                            error=repr(exc), retry_in=delay)  # fmt: skip
                await asyncio.sleep(delay)
            finally:
                if reader is not None:
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)

    async def _read(
        self,
        consumer: AIOKafkaConsumer,
        ends: dict[TopicPartition, int] | None,
        out: asyncio.Queue[Item],
    ) -> None:
        try:
            while ends is None or not await caught_up(consumer, ends):
                if self._unpositioned:
                    raise TransientError("assigned partitions wait for their stored offsets")
                fetched = await consumer.getmany(timeout_ms=500, max_records=self._max_records)
                self._ready.set()
                if fetched:
                    await out.put(self._decode(fetched))
            await out.put(None)
        except Exception as exc:  # transient or not, the writer side decides what it means
            await out.put(exc)

    def _decode(self, fetched: dict[TopicPartition, list[ConsumerRecord]]) -> Batch:
        batch = Batch(
            next_offsets={tp: records[-1].offset + 1 for tp, records in fetched.items()},
            consumed=sum(len(records) for records in fetched.values()),
        )
        cutoff, catalog, append = self._cutoff, self._catalog, batch.deliveries.append
        for tp, records in fetched.items():
            topic, partition = tp.topic, tp.partition
            for record in records:
                try:
                    envelope, event = decode(record.headers, record.value, catalog)
                except ContractError as exc:
                    batch.letters.append(letter_of(record, f"contract: {exc}"))
                    continue
                except Exception as exc:  # an upcaster bug, a header without a value
                    reason = f"decode: {type(exc).__name__}: {exc}"
                    batch.letters.append(letter_of(record, reason))
                    continue
                # built as a plain tuple: the NamedTuple constructor costs twice as much
                delivery = _delivery(Delivery, (topic, partition, record.offset, envelope, event))
                if cutoff is None or cutoff.admits(delivery):
                    append((record, delivery))
        return batch

    async def _still_live(self, conn: Connection) -> None:
        if self._live_name is None:
            return
        live = await conn.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = $1", self._live_name
        )
        if live is not None and live != self._schema:
            raise Superseded(f"{self._live_name} now lives in {live}, not {self._schema}")

    async def _enter_schema(self, conn: Connection) -> None:
        await conn.execute(f"SET LOCAL search_path TO {await self._search_path(conn)}")

    async def _search_path(self, conn: Connection) -> str:
        # the projection's schema first; the service's own tables (its event store) after
        current: str = await conn.fetchval("SELECT current_setting('search_path')")
        return f'"{self._schema}", {current}'

    async def _all_partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        partitions = []
        for topic in self._projection.topics:
            found = await partitions_of(consumer, topic)
            if not found:
                raise ValueError(f"topic {topic} does not exist")
            partitions += found
        return partitions

    async def _seek(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition], conn: Connection
    ) -> None:
        stored = await stored_offsets(conn)
        for tp in partitions:
            if tp in stored:
                consumer.seek(tp, stored[tp])
            else:
                await consumer.seek_to_beginning(tp)

    def mark_unpositioned(self) -> None:
        """Partitions are paused until the loop can seek them to the stored offsets."""
        self._unpositioned = True

    async def seek_to_stored(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        """Position the consumer at the offsets the database holds (start of log if none)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await self._enter_schema(conn)
            await self._seek(consumer, partitions, conn)


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    """On every assignment, resume from the offsets in the database, not the group's."""

    def __init__(self, runner: ProjectionRunner, consumer: AIOKafkaConsumer) -> None:
        self._runner = runner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        """Nothing to do: offsets are committed with every batch."""

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        """Seek each newly assigned partition to its stored offset.

        Paused first: while the offsets are read from the database, aiokafka would otherwise
        start fetching from the group's committed offsets, which are not ours.
        """
        self._consumer.pause(*assigned)
        try:
            await self._runner.seek_to_stored(self._consumer, assigned)
        except TRANSIENT:
            self._runner.mark_unpositioned()  # stay paused; the loop seeks when it can
            raise
        self._consumer.resume(*assigned)
