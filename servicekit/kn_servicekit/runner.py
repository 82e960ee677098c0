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
import time
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from kn_contracts.catalog import Catalog
from kn_servicekit import admission_store
from kn_servicekit.admission_offsets import SeekToStored, seek_to_stored
from kn_servicekit.batches import Batch, BatchWriter, decode_batch
from kn_servicekit.db import Connection, session_of_its_own
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.errors import Superseded, TransientError
from kn_servicekit.kafka import caught_up, partitions_of, stop_consumer
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.metrics import Metrics
from kn_servicekit.projection import Cutoff, Projection
from kn_servicekit.provenance import Provenance
from kn_servicekit.transient import TRANSIENT, Backoff, passes

# how often a live runner asks whether readers still use its schema: once per batch it was
# a round trip in each (5,261 over 1,300 commands at 40/s, 4 per command)
LIVE_RECHECK_S = 1.0
log = structlog.get_logger("projection")


Item = Batch | Exception | None


class ProjectionRunner:
    """Feeds one projection in one schema from its topics."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        kafka: KafkaAccess,
        projection: Projection,
        catalog: Catalog,
        schema: str,
        dead_letters: DeadLetters,
        group_id: str | None = None,
        max_records: int = 5000,
        cutoff: Cutoff | None = None,
        live_name: str | None = None,
        metrics: Metrics | None = None,
        partitions: Sequence[TopicPartition] = (),
    ) -> None:
        self._pool = pool
        self._live_name = live_name  # set: stop when readers are switched to another schema
        self._live_checked = float("-inf")  # when it last asked
        self._kafka = kafka
        self._projection = projection
        self._catalog = catalog
        self._provenance = Provenance(projection.topics)
        self._schema = schema
        self._group_id = group_id
        self._partitions = tuple(partitions)  # a rebuild worker's share; () reads them all
        self._max_records = max_records
        self._cutoff = cutoff
        self._writer = BatchWriter(projection, dead_letters, passes)
        self._metrics = metrics
        if metrics is not None:
            metrics.topics[projection.name] = tuple(projection.topics)
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
            await conn.execute(admission_store.TABLES)
            await self._projection.create(conn)
            resume = getattr(self._projection, "resume", None)
            if resume is not None:
                await resume(conn)

    async def run(
        self, *, until_caught_up: bool = False, ready: asyncio.Event | None = None
    ) -> None:
        """Consume until cancelled, or (until_caught_up) until the end offsets seen at start.
        `ready` is set once the consumer is placed and its first fetch has returned."""
        self._ready = ready or asyncio.Event()
        await self.prepare()
        consumer = AIOKafkaConsumer(
            **kafka_options(self._kafka),
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        try:
            await consumer.start()
            if self._group_id is None:
                consumer.assign(list(self._partitions or await self._all_partitions(consumer)))
            else:
                listener = SeekToStored(self, consumer)
                consumer.subscribe(list(self._projection.topics), listener=listener)
            ends = None
            if until_caught_up:
                ends = await consumer.end_offsets(list(consumer.assignment()))
            await self._loop(consumer, ends)
        finally:
            await stop_consumer(consumer, self._projection.name)

    async def _loop(
        self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int] | None
    ) -> None:
        backoff = Backoff()
        while True:
            reader: asyncio.Task[None] | None = None
            try:
                async with session_of_its_own(self._pool) as conn:  # SET for its loop
                    await conn.execute(f"SET search_path TO {await self._search_path(conn)}")
                    if getattr(self._projection, "derived", True):
                        # A read model is derivable from the log and its offsets commit with
                        # its rows: a server crash losing the last commits means reading them
                        # again. Not so for a command consumer appending to an event store.
                        await conn.execute("SET synchronous_commit TO off")
                    assigned = list(consumer.assignment())
                    await seek_to_stored(consumer, assigned, conn)
                    consumer.resume(*assigned)
                    self._unpositioned = False
                    queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=2)
                    reader = asyncio.create_task(self._read(consumer, ends, queue))
                    while (item := await self._next(queue, conn)) is not None:
                        if isinstance(item, Exception):
                            raise item  # transient: retried below; anything else: loudly
                        await self._still_live(conn)
                        await self._write(conn, item)
                        self.consumed += item.consumed
                        backoff.reset()
                    return
            except TRANSIENT as exc:
                if not passes(exc):
                    raise
                delay = backoff.next()
                log.warning("projection_retrying", projection=self._projection.name,
                            error=repr(exc), retry_in=delay)  # fmt: skip
                await asyncio.sleep(delay)
            finally:
                if reader is not None:
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)

    async def _write(self, conn: Connection, batch: Batch) -> None:
        if self._metrics is None:
            await self._writer.write(conn, batch)
            return
        writer, name = self._writer, self._projection.name
        applied, lettered, started = writer.applied, writer.lettered, time.perf_counter()
        await writer.write(conn, batch)
        self._metrics.batch.labels(name).observe(time.perf_counter() - started)
        self._metrics.applied.labels(name).inc(writer.applied - applied)
        self._metrics.letters.labels(name).inc(writer.lettered - lettered)

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
                    await out.put(
                        decode_batch(fetched, self._catalog, self._cutoff, self._provenance)
                    )
            await out.put(None)
        except Exception as exc:  # transient or not, the writer side decides what it means
            await out.put(exc)

    async def _next(self, queue: asyncio.Queue[Item], conn: Connection) -> Item:
        """The next batch; while none comes, still asked whether this schema is live, so a
        batch written just before a switch reaches the new schema within seconds."""
        while True:
            try:
                return await asyncio.wait_for(queue.get(), LIVE_RECHECK_S)
            except TimeoutError:
                await self._still_live(conn)

    async def _still_live(self, conn: Connection) -> None:
        """Superseded once a rebuild has switched readers away from this runner's schema;
        asked at most every LIVE_RECHECK_S (a batch written to a schema no longer read
        changes nothing readers see, and the new schema resumes from its own offsets)."""
        now = time.monotonic()
        if self._live_name is None or now - self._live_checked < LIVE_RECHECK_S:
            return
        self._live_checked = now
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

    def mark_unpositioned(self) -> None:
        """Partitions are paused until the loop can seek them to the stored offsets."""
        self._unpositioned = True

    async def seek_to_stored(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        """Position the consumer at the offsets the database holds (start of log if none)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await self._enter_schema(conn)
            await seek_to_stored(consumer, partitions, conn)
