"""Subjects' keys in the owner's own database, and the copies its readers keep.

The owner (membership for members, meetings for people written in on a list) makes a key
the first time it seals a subject's field, in the transaction of that append, and keeps it
in `kn_subject_keys`. Erasing a subject deletes the key bytes there (the row stays, without
them, so the tombstone is published and a later field of the same subject gets a new key).
Readers learn keys only from the owner's compacted keys topic (`keys_topic.py`) into
`kn_key_copies`, deleting a copy on its tombstone: no shared database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import asyncpg

from kn_servicekit.db import Connection
from kn_servicekit.sealing import KeyRing, SubjectSealer, new_key, new_key_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS kn_subject_keys (
    key_id      text PRIMARY KEY,
    subject_id  text NOT NULL,
    key         bytea,
    issued_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    erased_at   timestamptz,
    published   boolean NOT NULL DEFAULT false,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS kn_subject_keys_live
    ON kn_subject_keys (subject_id) WHERE erased_at IS NULL;
CREATE INDEX IF NOT EXISTS kn_subject_keys_unpublished
    ON kn_subject_keys (issued_at) WHERE NOT published;
CREATE TABLE IF NOT EXISTS kn_key_copies (
    key_id  text PRIMARY KEY,
    owner   text NOT NULL,
    key     bytea NOT NULL
);
"""


async def create_tables(db: asyncpg.Pool | Connection) -> None:
    """The keys table and the copies table (idempotent)."""
    await db.execute(SCHEMA)


async def load(db: asyncpg.Pool | Connection, ring: KeyRing) -> int:
    """Put every live key of ours and every copy we hold into `ring`; how many."""
    rows = await db.fetch(
        "SELECT key_id, key FROM kn_subject_keys WHERE erased_at IS NULL "
        "UNION ALL SELECT key_id, key FROM kn_key_copies"
    )
    for row in rows:
        ring.put(row["key_id"], bytes(row["key"]))
    return len(rows)


class SubjectKeys:
    """An owner's keys: made on first use, erased on request, mirrored in its ring."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    async def sealer(self, conn: Connection, subjects: Iterable[str]) -> SubjectSealer:
        """A sealer holding each subject's live key, making the missing ones in `conn`'s
        transaction (a subject erased earlier gets a new key: a name typed again)."""
        wanted = sorted(set(subjects))
        # one statement: each subject's live key, and a new one for those without (the
        # existing keys are read as before the insert; the new come from its RETURNING)
        candidates = [(new_key_id(), new_key()) for _ in wanted]
        rows = await conn.fetch(
            """WITH made AS (
                   INSERT INTO kn_subject_keys (key_id, subject_id, key)
                   SELECT w.key_id, w.subject_id, w.key
                   FROM unnest($1::text[], $2::text[], $3::bytea[]) AS w(subject_id, key_id, key)
                   WHERE NOT EXISTS (SELECT FROM kn_subject_keys k
                                     WHERE k.subject_id = w.subject_id AND k.erased_at IS NULL)
                   ON CONFLICT (subject_id) WHERE erased_at IS NULL DO NOTHING
                   RETURNING subject_id, key_id, key)
               SELECT subject_id, key_id, key FROM made
               UNION ALL
               SELECT subject_id, key_id, key FROM kn_subject_keys
               WHERE subject_id = ANY($1::text[]) AND erased_at IS NULL""",
            wanted,
            [key_id for key_id, _ in candidates],
            [key for _, key in candidates],
        )
        keys = {row["subject_id"]: (row["key_id"], bytes(row["key"])) for row in rows}
        live = {key_id for key_id, _ in keys.values()}
        made = [key_id for key_id, _ in candidates if key_id in live]
        if missing := [subject for subject in wanted if subject not in keys]:
            keys |= await self._live(conn, missing)  # another writer made them meanwhile
        for key_id, key in keys.values():
            self.ring.put(key_id, key)
        return SubjectSealer(keys, made)

    async def take_back(self, conn: Connection, sealer: SubjectSealer) -> None:
        """Delete the keys `sealer` made, for an append that stored nothing: no live key is
        left behind without a field sealed under it (an erased subject's, say)."""
        if sealer.made:
            await conn.execute(
                "DELETE FROM kn_subject_keys WHERE key_id = ANY($1::text[])", list(sealer.made)
            )
            self.ring.drop(sealer.made)

    async def erase(
        self, conn: Connection, subject_id: str, issued_by: dt.datetime | None = None
    ) -> list[str]:
        """Delete the subject's key bytes (tombstones to publish); the key ids erased. With
        `issued_by`, only keys issued by then (an erasure read again spares a later key)."""
        rows = await conn.fetch(
            "UPDATE kn_subject_keys SET key = NULL, erased_at = clock_timestamp(), "
            "published = false WHERE subject_id = $1 AND erased_at IS NULL "
            "AND ($2::timestamptz IS NULL OR issued_at <= $2) RETURNING key_id",
            subject_id, issued_by,
        )  # fmt: skip
        erased = [row["key_id"] for row in rows]
        self.ring.drop(erased)
        return erased

    async def erased_before(self, conn: Connection, subject_id: str) -> int:
        """How many keys of the subject were erased already (0: never erased)."""
        found: int = await conn.fetchval(
            "SELECT count(*) FROM kn_subject_keys WHERE subject_id = $1 AND erased_at IS NOT NULL",
            subject_id,
        )
        return found

    @staticmethod
    async def _live(conn: Connection, subjects: list[str]) -> dict[str, tuple[str, bytes]]:
        rows = await conn.fetch(
            "SELECT subject_id, key_id, key FROM kn_subject_keys "
            "WHERE subject_id = ANY($1::text[]) AND erased_at IS NULL",
            subjects,
        )
        return {row["subject_id"]: (row["key_id"], bytes(row["key"])) for row in rows}
