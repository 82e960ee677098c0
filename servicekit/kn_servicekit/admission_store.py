"""The runner's bookkeeping in the projection's schema: offsets and what admission reads.

kn_offsets (where to resume), kn_sequences (high-water marks per log and partition),
kn_seen (claimed CloudEvent ids), kn_lettered (letters this projection dead-lettered).
Every call runs inside the batch's transaction, so the bookkeeping commits with the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiokafka import TopicPartition

from kn_servicekit.admission import Claim, LogKey, Lookups, Stored
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import Origin

TABLES = """
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

# Locks every mark the batch is judged by (creating a new log's at -1), in key order, so
# a second runner on the same partition (a rebalance's overlap) waits for this batch to
# commit and then reads its marks. An upsert: a row another runner is inserting is waited
# for and returned as committed, which a SELECT ... FOR UPDATE would not see.
_LOCK_HIGHS = """
INSERT INTO kn_sequences (log, topic, partition, high)
SELECT log, topic, partition, -1 FROM unnest($1::text[], $2::text[], $3::integer[])
    AS n(log, topic, partition) ORDER BY 1, 2, 3
ON CONFLICT (log, topic, partition) DO UPDATE SET high = kn_sequences.high
RETURNING log, topic, partition, high
"""

# Claims every id of the batch in one round trip and returns those claimed before (none,
# usually). A concurrent claim of the same id is waited for: one of the two gets it.
_CLAIM = """
WITH d AS (
    SELECT DISTINCT source, id FROM unnest($1::text[], $2::text[]) AS d(source, id)
), ins AS (
    INSERT INTO kn_seen (source, id) SELECT source, id FROM d ORDER BY 1, 2
    ON CONFLICT DO NOTHING RETURNING source, id
)
SELECT source, id FROM d EXCEPT SELECT source, id FROM ins
"""

_RELEASE = """
DELETE FROM kn_lettered
WHERE (topic, partition, "offset") IN (
    SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[]))
RETURNING topic, partition, "offset"
"""

_HOLD = """
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


def _columns(rows: Iterable[tuple[object, ...]], width: int) -> list[list[object]]:
    """Rows as one list per column, for unnest()."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


async def take(conn: Connection, asked: Lookups) -> Stored:
    """What admission judges a batch by: the marks (locked), the ids claimed before (the
    batch's new ones are claimed now) and the held letters among `asked.letters` (released
    now: a redrive is applied once). Rolled back with the batch if it fails."""
    highs: dict[LogKey, int] = {}
    claimed: set[Claim] = set()
    held: set[Origin] = set()
    if asked.logs:
        rows = await conn.fetch(_LOCK_HIGHS, *_columns(asked.logs, 3))
        highs = {(r[0], r[1], r[2]): r[3] for r in rows}
    if asked.claims:
        claimed = {(r[0], r[1]) for r in await conn.fetch(_CLAIM, *_columns(asked.claims, 2))}
    if asked.letters:
        rows = await conn.fetch(_RELEASE, *_columns(asked.letters, 3))
        held = {(r[0], r[1], r[2]) for r in rows}
    return Stored(highs, claimed, held)


async def hold(conn: Connection, origins: Iterable[Origin]) -> None:
    """Remember letters this projection dead-lettered: a redrive of one is applied here."""
    await conn.execute(_HOLD, *_columns(origins, 3))


async def finish(
    conn: Connection, next_offsets: Mapping[TopicPartition, int], raised: Mapping[LogKey, int]
) -> None:
    """Move the offsets past the batch and raise the marks (neither ever moves back)."""
    await conn.execute(
        _FINISH,
        [tp.topic for tp in next_offsets],
        [tp.partition for tp in next_offsets],
        list(next_offsets.values()),
        *_columns(((*key, high) for key, high in raised.items()), 4),
    )


async def stored_offsets(conn: Connection) -> dict[TopicPartition, int]:
    """Where the projection in the connection's schema resumes, per partition."""
    rows = await conn.fetch("SELECT topic, partition, next_offset FROM kn_offsets")
    return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
