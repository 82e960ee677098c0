"""The event store on PostgreSQL: the event table is also the outbox the relay reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import asyncpg

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.sealed import SEAL, clear_personal
from kn_contracts.topics import topic_of
from kn_servicekit import erasure, trace
from kn_servicekit.db import Connection
from kn_servicekit.errors import ConcurrencyError, DuplicateEventError
from kn_servicekit.eventstore import StoredEvent, Stream, kafka_key, new_ids, stale
from kn_servicekit.limits import check_event_size
from kn_servicekit.subject_keys import SubjectKeys

# Appends take this transaction-scoped lock, so positions are assigned in commit order and
# a relay reading "position > last published" can never skip a late-committing event. The
# lock is keyed by the event table itself (its oid), so every writer of one table takes the
# same lock whatever its search_path puts first (a projection's schema, for a feed), and
# stores of other services or tests in the same database do not wait.
APPEND_LOCK = 0x6B6E_0001
EVENT_TABLE_KEY = "'kn_events'::regclass::oid::integer"
LOCK_SQL = f"SELECT pg_advisory_xact_lock($1, {EVENT_TABLE_KEY})"
# The relay's wake-up channel names the event table (its oid): NOTIFY is database-wide, and a
# database holding several services' schemas (a test sandbox) must not wake every relay on
# each service's appends. Computed in SQL by the appender as the lock's key is.
NOTIFY_CHANNEL_SQL = f"'kn_events_' || {EVENT_TABLE_KEY}::text"

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS kn_event_position;
CREATE TABLE IF NOT EXISTS kn_events (
    position     bigint PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    stream_id    text NOT NULL,
    version      integer NOT NULL CHECK (version > 0),
    topic        text NOT NULL,
    kafka_key    text NOT NULL,
    ce_type      text NOT NULL,
    payload      text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    traceparent  text,  -- the W3C trace context of what caused it (kn_servicekit.trace)
    UNIQUE (stream_id, version)
);
-- a table made before trace context gets the column (only if missing: no lock taken else)
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'kn_events'::regclass
    AND attname = 'traceparent' AND NOT attisdropped)
THEN ALTER TABLE kn_events ADD COLUMN traceparent text; END IF; END $$;
CREATE TABLE IF NOT EXISTS kn_relay_progress (
    relay     text PRIMARY KEY,
    position  bigint NOT NULL
);
-- The name of this event log: positions are unique within it, and consumers keep their
-- high-water marks per log (kn_servicekit.batches). A new database is a new log.
CREATE TABLE IF NOT EXISTS kn_event_log (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    log       text NOT NULL
);
INSERT INTO kn_event_log (log) VALUES (gen_random_uuid()::text) ON CONFLICT DO NOTHING;
"""

_COLUMNS = "position, event_id, stream_id, version, topic, kafka_key, ce_type, payload, recorded_at"


async def notify_channel(conn: Connection) -> str:
    """The channel on which this connection's event table announces committed appends."""
    channel: str = await conn.fetchval(f"SELECT {NOTIFY_CHANNEL_SQL}")
    return channel


async def create_schema(db: asyncpg.Pool | Connection) -> None:
    """Create the event and relay tables if missing (idempotent)."""
    await db.execute(SCHEMA)


class PostgresEventStore:
    """Streams in one table with a unique (stream_id, version): that key is the lock."""

    def __init__(
        self,
        db: asyncpg.Pool | Connection,
        catalog: Catalog,
        topic_for: Callable[[Event], str] = topic_of,
        keys: SubjectKeys | None = None,
    ) -> None:
        self._db = db
        self._catalog = catalog
        self._topic_for = topic_for
        # the owner's subject keys: personal fields are sealed on append and opened on read
        self._keys = keys
        self._appended: set[str] = set()

    def on(self, conn: Connection) -> PostgresEventStore:
        """The same store working inside `conn`'s transaction (its appends join it)."""
        return PostgresEventStore(conn, self._catalog, self._topic_for, self._keys)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        if isinstance(self._db, asyncpg.Pool):
            async with self._db.acquire() as conn:
                yield conn
        else:
            yield self._db

    async def read(self, stream_id: str, after: int = 0) -> Stream:
        async with self._connection() as conn:
            rows = await conn.fetch(
                f"SELECT {_COLUMNS} FROM kn_events WHERE stream_id = $1 AND version > $2 "
                "ORDER BY version",
                stream_id,
                after,
            )
        return Stream(stream_id, tuple(self._stored(row) for row in rows), after)

    async def stream_ids(self, prefix: str) -> list[str]:
        async with self._connection() as conn:
            rows = await conn.fetch(
                "SELECT DISTINCT stream_id FROM kn_events "
                "WHERE left(stream_id, length($1)) = $1 ORDER BY 1",
                prefix,
            )
        return [row["stream_id"] for row in rows]

    async def erase_subject(
        self, subject_id: str, issued_by: dt.datetime | None = None
    ) -> list[str]:
        """Delete the subject's keys (in this store's transaction): its sealed fields read
        "[slettet]" from now on; the key ids erased (only those issued by `issued_by`)."""
        if self._keys is None:
            raise ValueError("this store keeps no subject keys: it has nobody to erase")
        async with self._connection() as conn:
            return await erasure.erase_subject(
                conn, self._keys, self._catalog, subject_id, issued_by
            )

    async def lock_for_append(self) -> None:
        if not isinstance(self._db, asyncpg.Pool):
            await self._db.execute(LOCK_SQL, APPEND_LOCK)

    def appended_to(self, stream_id: str) -> bool:
        return stream_id in self._appended

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        key: str | Callable[[Event], str] | None = None,
        event_ids: Sequence[uuid.UUID] | None = None,
        locked: bool = False,
    ) -> list[StoredEvent]:
        if not events:
            return []
        ids = new_ids(events, event_ids)
        subjects = {subject for event in events for subject, _ in clear_personal(event)}
        if subjects and self._keys is None:
            raise ValueError(
                f"{events[0].ce_type()} holds personal fields and this store has no subject "
                "keys to seal them: give the service's store its SubjectKeys (bootstrap.py)"
            )
        async with self._connection() as conn, self._transaction(conn) as own:
            # Taken again unless the caller says it holds it (`locked`, from the pipeline,
            # which locks and appends at one savepoint level): a flag kept on the store could
            # outlive a savepoint's rollback, which releases a lock taken inside it. Under
            # membership's lock the round trip saved is about a tenth of the lock's hold.
            if own or not locked:
                await conn.execute(LOCK_SQL, APPEND_LOCK)
            context, sealer = None, None
            if subjects and self._keys is not None:  # sealed in the append's transaction
                sealer = await self._keys.sealer(conn, subjects)
                context = {SEAL: sealer}
            payloads = [event.model_dump_json(context=context) for event in events]
            try:
                for event, payload in zip(events, payloads, strict=True):
                    check_event_size(event.ce_type(), payload)
            except Exception:
                if sealer is not None and self._keys is not None:
                    await self._keys.take_back(conn, sealer)
                raise
            # One statement after the lock: it inserts only if the stream is still at the
            # expected version and none of the ids is stored (so a refusal raises no
            # database error, and the caller's transaction goes on without a savepoint);
            # the NOTIFY for the relay goes with the rows (delivered at commit). The unique
            # keys stay the last word, should anything write around this lock.
            try:
                rows = await conn.fetch(
                    f"""
                    INSERT INTO kn_events ({_COLUMNS}, traceparent)
                    SELECT nextval('kn_event_position'), e.id, $1, $2 + e.n, e.topic, e.key,
                           e.ce_type, e.payload, clock_timestamp(), $8
                    FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
                         WITH ORDINALITY AS e(id, topic, key, ce_type, payload, n)
                    WHERE (SELECT coalesce(max(version), 0) FROM kn_events
                           WHERE stream_id = $1) = $2
                      AND NOT EXISTS (SELECT FROM kn_events WHERE event_id = ANY($3::uuid[]))
                    ORDER BY e.n
                    RETURNING {_COLUMNS}, pg_notify({NOTIFY_CHANNEL_SQL}, '')::text
                    """,
                    stream_id,
                    expected_version,
                    ids,
                    [self._topic_for(event) for event in events],
                    [kafka_key(key, stream_id, event) for event in events],
                    [event.ce_type() for event in events],
                    payloads,
                    trace.traceparent(),  # the request's or handled event's span, if any
                )
            except asyncpg.UniqueViolationError as exc:
                if not own:  # the caller's transaction is aborted: nothing may go on in it
                    raise AppendAborted(
                        f"an append to stream {stream_id} broke a unique key past the append "
                        f"lock ({exc.constraint_name}); the transaction is rolled back"
                    ) from exc
                if exc.constraint_name == "kn_events_event_id_key":
                    raise DuplicateEventError(duplicate(stream_id)) from None
                raise ConcurrencyError(f"stream {stream_id} changed during append") from None
            if not rows:
                if sealer is not None and self._keys is not None:
                    await self._keys.take_back(conn, sealer)  # made for what was not stored
                raise await _refusal(conn, stream_id, expected_version, ids)
        if not isinstance(self._db, asyncpg.Pool):
            self._appended.add(stream_id)  # bound to a transaction that may still roll back
        return [self._stored(row) for row in rows]

    @staticmethod
    @asynccontextmanager
    async def _transaction(conn: Connection) -> AsyncIterator[bool]:
        """The append's own transaction (True) when `conn` is in none, as on the pool; inside
        a caller's transaction none (False), not even a savepoint: the insert refuses
        without a database error, so the caller's transaction goes on."""
        if conn.is_in_transaction():
            yield False
        else:
            async with conn.transaction():
                yield True

    def _stored(self, row: asyncpg.Record) -> StoredEvent:
        recorded_at: dt.datetime = row["recorded_at"]
        return StoredEvent(
            position=row["position"],
            stream_id=row["stream_id"],
            version=row["version"],
            event_id=row["event_id"],
            recorded_at=recorded_at,
            topic=row["topic"],
            key=row["kafka_key"],
            event=self._catalog.decode(
                row["ce_type"], row["payload"], None if self._keys is None else self._keys.ring
            ),
        )


class AppendAborted(RuntimeError):
    """A unique key of the event table broke inside the caller's transaction (a writer that
    bypassed the append lock): the transaction is aborted, so this is neither a stale version
    nor a repeated cause that the caller could go on from."""


def duplicate(stream_id: str) -> str:
    return f"events with these ids are already in the store (stream {stream_id})"


async def _refusal(
    conn: Connection, stream_id: str, expected: int, ids: Sequence[uuid.UUID]
) -> ConcurrencyError | DuplicateEventError:
    """Why an append inserted nothing: its ids are stored already, or the stream moved on."""
    row = await conn.fetchrow(
        "SELECT (SELECT coalesce(max(version), 0) FROM kn_events WHERE stream_id = $1) AS at, "
        "EXISTS (SELECT FROM kn_events WHERE event_id = ANY($2::uuid[])) AS stored",
        stream_id,
        list(ids),
    )
    assert row is not None
    if row["stored"]:
        return DuplicateEventError(duplicate(stream_id))
    return stale(stream_id, row["at"], expected)
