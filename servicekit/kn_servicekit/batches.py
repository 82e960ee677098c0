"""The database half of the projection runner: one transaction per fetched batch.

In it: admit each delivery once, apply the new events, dead-letter what fails, and move the
stored offsets past the batch. Rows and offsets commit together, so a crash anywhere
resumes exactly after the last commit.

Admission (a repeat is skipped, whatever its offset):
- a relayed event carries its log and position (ce_knlog, ce_sequence). A relay publishes
  each log in position order and repeats only a tail it had published, so on one partition
  a position at or below the highest applied from that log is a repeat. One row per
  (log, topic, partition) in kn_sequences, not one per event: this is what lets a rebuild
  run near the speed of reading Kafka.
- any other CloudEvent (a region system's, a hand-made one) is claimed by (ce_source, ce_id)
  in kn_seen.
- a redriven dead letter (kn_origin header) is applied only by a projection holding that
  letter in kn_lettered, once; every other projection applied it or lettered it itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from kn_servicekit.db import Connection
from kn_servicekit.deadletter import DeadLetters, Letter, Origin, is_redriven, origin_of
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
CREATE TABLE IF NOT EXISTS kn_sequences (
    log        text NOT NULL,
    topic      text NOT NULL,
    partition  integer NOT NULL,
    high       bigint NOT NULL,
    PRIMARY KEY (log, topic, partition)
);
CREATE TABLE IF NOT EXISTS kn_lettered (
    topic      text NOT NULL,
    partition  integer NOT NULL,
    "offset"   bigint NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
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

# Locked, so a second runner on the same partition (a rebalance's overlap) waits for this
# batch to commit and then sees its highs.
_HIGHS = """
SELECT log, topic, partition, high FROM kn_sequences
WHERE (topic, partition) IN (SELECT * FROM unnest($1::text[], $2::integer[]))
FOR UPDATE
"""

# A log seen here for the first time: if another runner inserted it meanwhile, fewer rows
# come back, and the admission is done again on the rows it committed.
_NEW_LOGS = """
INSERT INTO kn_sequences (log, topic, partition, high)
SELECT log, topic, partition, -1 FROM unnest($1::text[], $2::text[], $3::integer[])
    AS n(log, topic, partition)
ON CONFLICT DO NOTHING RETURNING 1
"""

_REDRIVEN = """
DELETE FROM kn_lettered
WHERE (topic, partition, "offset") IN (
    SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[]))
RETURNING topic, partition, "offset"
"""

_LETTERED = """
INSERT INTO kn_lettered (topic, partition, "offset")
SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
ON CONFLICT DO NOTHING
"""

_FINISH = """
WITH offsets AS (
    INSERT INTO kn_offsets (topic, partition, next_offset)
    SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
    ON CONFLICT (topic, partition) DO UPDATE
    SET next_offset = greatest(kn_offsets.next_offset, excluded.next_offset)
)
UPDATE kn_sequences s SET high = greatest(s.high, h.high)
FROM unnest($4::text[], $5::text[], $6::integer[], $7::bigint[]) AS h(log, topic, partition, high)
WHERE (s.log, s.topic, s.partition) = (h.log, h.topic, h.partition)
"""

Key = tuple[str, str, int]

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
                fresh, highs = await self._admit(conn, batch)
                await self._projection.apply(conn, [d for _, d in fresh])
                await self._finish(conn, batch, highs, batch.letters)
            self.applied += len(fresh)
            return
        except self._transient:
            raise
        except Exception:
            log.warning("projection_batch_failed_isolating", projection=self._projection.name)
        async with conn.transaction():
            fresh, highs = await self._admit(conn, batch)
            failed = await self._apply_one_by_one(conn, fresh)
            await self._finish(conn, batch, highs, batch.letters + failed)
        self.applied += len(fresh) - len(failed)

    async def _admit(self, conn: Connection, batch: Batch) -> tuple[list[Pair], dict[Key, int]]:
        """The deliveries not applied before, in order, and the logs' new highs."""
        deliveries = batch.deliveries
        if not deliveries:
            return [], {}
        partitions = list(batch.next_offsets)
        while True:
            rows = await conn.fetch(
                _HIGHS, [tp.topic for tp in partitions], [tp.partition for tp in partitions]
            )
            highs: dict[Key, int] = {(r[0], r[1], r[2]): r[3] for r in rows}
            known = set(highs)
            keep, plain, redriven = _by_sequence(deliveries, highs)
            new_logs = [key for key in highs if key not in known]
            if not new_logs:
                break
            inserted = await conn.fetch(
                _NEW_LOGS, *(list(column) for column in zip(*new_logs, strict=True))
            )
            if len(inserted) == len(new_logs):
                break
        if plain:
            await self._claim(conn, deliveries, plain, keep)
        if redriven:
            await self._claim_letters(conn, deliveries, redriven, keep)
        return [pair for pair, kept in zip(deliveries, keep, strict=True) if kept], highs

    async def _claim(
        self, conn: Connection, deliveries: list[Pair], plain: list[int], keep: list[bool]
    ) -> None:
        new = await conn.fetchval(
            _CLAIM,
            [deliveries[i][1].envelope.source for i in plain],
            [deliveries[i][1].envelope.id for i in plain],
        )
        for n in range(len(plain)) if new is None else (n - 1 for n in new):
            keep[plain[n]] = True

    async def _claim_letters(
        self,
        conn: Connection,
        deliveries: list[Pair],
        redriven: list[tuple[int, Origin]],
        keep: list[bool],
    ) -> None:
        origins = [origin for _, origin in redriven]
        held = {
            (r[0], r[1], r[2])
            for r in await conn.fetch(_REDRIVEN, *(list(c) for c in zip(*origins, strict=True)))
        }
        for i, origin in redriven:
            if origin in held:
                keep[i] = True
                held.discard(origin)  # two copies of one redrive: the first is applied
            else:
                log.info("redriven_message_not_ours", projection=self._projection.name,
                         origin="/".join(map(str, origin)))  # fmt: skip

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
        return letters

    async def _finish(
        self, conn: Connection, batch: Batch, highs: dict[Key, int], letters: list[Letter]
    ) -> None:
        for letter in letters:
            # sent before the commit that moves the offset past it: at worst sent twice
            await self._dead_letters.send(letter)
        if letters:
            # held here, so a redrive of it is applied here (once) after the fix
            origins = [letter.origin for letter in letters]
            await conn.execute(_LETTERED, *(list(c) for c in zip(*origins, strict=True)))
        await conn.execute(
            _FINISH,
            [tp.topic for tp in batch.next_offsets],
            [tp.partition for tp in batch.next_offsets],
            list(batch.next_offsets.values()),
            [key[0] for key in highs],
            [key[1] for key in highs],
            [key[2] for key in highs],
            list(highs.values()),
        )


def _by_sequence(
    deliveries: list[Pair], highs: dict[Key, int]
) -> tuple[list[bool], list[int], list[tuple[int, Origin]]]:
    """Admit relayed events above their log's high on their partition, raising the highs
    in `highs`; return the verdicts and which deliveries need a claim or a held letter."""
    keep = [False] * len(deliveries)
    plain: list[int] = []
    redriven: list[tuple[int, Origin]] = []
    for i, (record, delivery) in enumerate(deliveries):
        if is_redriven(record.headers):
            redriven.append((i, origin_of(record)))
            continue
        envelope = delivery.envelope
        sequence = envelope.sequence
        if sequence is None or envelope.log is None:
            plain.append(i)
            continue
        key = (envelope.log, delivery.topic, delivery.partition)
        if sequence > highs.get(key, -1):
            highs[key] = sequence
            keep[i] = True
    return keep, plain, redriven


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
