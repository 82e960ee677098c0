"""The database half of the projection runner: one transaction per fetched batch.

In it: claim each (ce_source, ce_id) in kn_seen (so a repeat is skipped), apply the new
events, dead-letter what fails, and move the stored offsets past the batch. Rows and
offsets commit together, so a crash anywhere resumes exactly after the last commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters, Letter
from kn_servicekit.projection import Delivery, Projection

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

# One round trip: NULL when every delivery is new (the usual case), else the ordinals of
# the first delivery of each (source, id) not seen before.
_CLAIM = """
WITH d AS (
    SELECT source, id, n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS d(source, id, n)
), ins AS (
    INSERT INTO kn_seen (source, id) SELECT source, id FROM d ORDER BY n
    ON CONFLICT DO NOTHING RETURNING source, id
)
SELECT CASE WHEN (SELECT count(*) FROM ins) = cardinality($1::text[]) THEN NULL
       ELSE ARRAY(SELECT min(d.n) FROM ins JOIN d USING (source, id) GROUP BY d.source, d.id)
       END
"""

_OFFSETS = """
INSERT INTO kn_offsets (topic, partition, next_offset)
SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
ON CONFLICT (topic, partition) DO UPDATE
SET next_offset = greatest(kn_offsets.next_offset, excluded.next_offset)
"""

Pair = tuple[ConsumerRecord, Delivery]


@dataclass
class Batch:
    """One fetch, decoded: what to apply, what to dead-letter, where the offsets go next."""

    next_offsets: dict[TopicPartition, int]
    consumed: int
    deliveries: list[Pair] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)


class BatchWriter:
    """Writes batches for one projection; counts what it applied."""

    def __init__(
        self,
        projection: Projection,
        dead_letters: DeadLetters,
        transient: tuple[type[BaseException], ...],
    ) -> None:
        self._projection = projection
        self._dead_letters = dead_letters
        self._transient = transient
        self.applied = 0

    async def write(self, conn: Connection, batch: Batch) -> None:
        """Apply a batch in one transaction; a failing handler sends the batch the slow way."""
        try:
            async with conn.transaction():
                fresh = await self._claim(conn, batch.deliveries)
                await self._projection.apply(conn, [d for _, d in fresh])
                await self._finish(conn, batch, batch.letters)
            self.applied += len(fresh)
            return
        except self._transient:
            raise
        except Exception:
            log.warning("projection_batch_failed_isolating", projection=self._projection.name)
        async with conn.transaction():
            fresh = await self._claim(conn, batch.deliveries)
            failed = await self._apply_one_by_one(conn, fresh)
            await self._finish(conn, batch, batch.letters + failed)
        self.applied += len(fresh) - len(failed)

    async def _claim(self, conn: Connection, deliveries: list[Pair]) -> list[Pair]:
        if not deliveries:
            return []
        new = await conn.fetchval(
            _CLAIM,
            [d.envelope.source for _, d in deliveries],
            [d.envelope.id for _, d in deliveries],
        )
        if new is None:
            return deliveries
        return [deliveries[n - 1] for n in sorted(new)]

    async def _apply_one_by_one(self, conn: Connection, fresh: list[Pair]) -> list[Letter]:
        letters = []
        for record, delivery in fresh:
            try:
                async with conn.transaction():
                    await self._projection.apply(conn, [delivery])
            except self._transient:
                raise
            except Exception as exc:
                letters.append(letter_of(record, f"handler: {type(exc).__name__}: {exc}"))
                # forget it was seen, so a redrive after the fix is applied
                await conn.execute(
                    "DELETE FROM kn_seen WHERE source = $1 AND id = $2",
                    delivery.envelope.source,
                    delivery.envelope.id,
                )
        return letters

    async def _finish(self, conn: Connection, batch: Batch, letters: list[Letter]) -> None:
        for letter in letters:
            # sent before the commit that moves the offset past it: at worst sent twice
            await self._dead_letters.send(letter)
        await conn.execute(
            _OFFSETS,
            [tp.topic for tp in batch.next_offsets],
            [tp.partition for tp in batch.next_offsets],
            list(batch.next_offsets.values()),
        )


def letter_of(record: ConsumerRecord, reason: str) -> Letter:
    """A dead letter carrying a record exactly as it arrived."""
    return Letter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers),
        reason=reason,
    )


async def stored_offsets(conn: Connection) -> dict[TopicPartition, int]:
    """Where the projection in the connection's schema resumes, per partition."""
    rows = await conn.fetch("SELECT topic, partition, next_offset FROM kn_offsets")
    return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
