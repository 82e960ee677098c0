"""Idempotency keys: a repeated command gets the first answer and causes no second event.

An answer is kept `keep_days` (a setting, default 30): a repeat within that time gets it;
after it, the answer (which may name persons) is deleted, and a request with that key is
a new command. Each keyed command deletes what has expired, so nothing is kept longer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg
from pydantic import BaseModel

from kn_servicekit.db import Connection
from kn_servicekit.errors import KeyReusedError

SCHEMA = """
CREATE TABLE IF NOT EXISTS kn_idempotency (
    actor        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    status       integer NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);
CREATE INDEX IF NOT EXISTS kn_idempotency_created ON kn_idempotency (created_at);
"""


@dataclass(frozen=True)
class Answer:
    """What a command answered: HTTP status and JSON body."""

    status: int
    body: Any


ADDED_LATER = "x-added-later"  # a body field's json_schema_extra: the day it was added


def fingerprint_body(payload: BaseModel) -> Any:
    """The body a fingerprint reads: every field, but one added to the body after requests
    were kept (marked ADDED_LATER) while it holds its default, so the same request sent
    again across the upgrade is still a repeat, not a reused key."""
    later = {
        name
        for name, field in type(payload).model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and ADDED_LATER in field.json_schema_extra
        and getattr(payload, name) == field.default
    }
    return payload.model_dump(mode="json", exclude=later)


def fingerprint(method: str, path: str, payload: Any) -> str:
    """A stable digest of a request, to tell a true repeat from a reused key."""
    text = json.dumps([method, path, payload], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def once(
    pool: asyncpg.Pool,
    actor: str,
    key: str,
    request: str,
    run: Callable[[Connection], Awaitable[Answer]],
    keep_days: int = 30,
) -> Answer:
    """Run the command inside one transaction with the record of its answer.

    The first request with (actor, key) runs and its answer is stored together with the
    events it appended; a repeat (even a concurrent one, which waits) gets that answer.
    """
    # read committed, whatever the server's default: the claim relies on a statement seeing
    # what committed while it waited (repeatable read would raise instead)
    async with pool.acquire() as conn, conn.transaction(isolation="read_committed"):
        # Claim the key by inserting its row (its answer comes at the end): a concurrent
        # request with the key waits on the primary key until this transaction ends, then
        # finds the answer, or claims the key itself if this one rolled back. An expired
        # answer is taken over; the rest of what has expired goes in the same statement,
        # but for rows another command is deleting or taking over (skipped, not waited
        # for: two purges waiting on each other's rows would deadlock).
        claimed = await conn.fetchval(
            """WITH expired AS (
                   DELETE FROM kn_idempotency
                   WHERE (actor, key) IN (
                       SELECT actor, key FROM kn_idempotency
                       WHERE created_at < now() - make_interval(days => $4)
                         AND (actor, key) <> ($1, $2)
                       FOR UPDATE SKIP LOCKED))
               INSERT INTO kn_idempotency AS kept (actor, key, fingerprint, status, body)
               VALUES ($1, $2, $3, 0, '')
               ON CONFLICT (actor, key) DO UPDATE
                   SET fingerprint = excluded.fingerprint, status = 0, body = '',
                       created_at = now()
                   WHERE kept.created_at < now() - make_interval(days => $4)
               RETURNING true""",
            actor,
            key,
            request,
            keep_days,
        )
        if not claimed:
            return _repeated(
                key,
                request,
                await conn.fetchrow(
                    "SELECT fingerprint, status, body FROM kn_idempotency "
                    "WHERE actor = $1 AND key = $2",
                    actor,
                    key,
                ),
            )
        answer = await run(conn)
        await conn.execute(
            "UPDATE kn_idempotency SET status = $3, body = $4 WHERE actor = $1 AND key = $2",
            actor,
            key,
            answer.status,
            json.dumps(answer.body, default=str),
        )
        return answer


def _repeated(key: str, request: str, row: asyncpg.Record | None) -> Answer:
    """The first answer to a repeat of a request (the row its claim found)."""
    if row is None:  # the failed claim found the row and locked it: it cannot be gone
        raise RuntimeError(f"Idempotency-Key {key!r}: its answer vanished")
    if row["fingerprint"] != request:
        raise KeyReusedError(
            f"Idempotency-Key {key!r} was used before for a different request; "
            "use a new key for a new command"
        )
    return Answer(row["status"], json.loads(row["body"]))


async def redact(conn: Connection, texts: Iterable[str]) -> int:
    """Replace these texts (an erased person's names) in the stored answers by "[slettet]"
    (issue 15): a repeat still gets its answer, without the name. How many were changed."""
    changed = 0
    for text in sorted(set(texts), key=len, reverse=True):
        for form in {json.dumps(text)[1:-1], text}:  # as stored (JSON, \u escapes), and raw
            result = await conn.execute(
                "UPDATE kn_idempotency SET body = replace(body, $1, '[slettet]') "
                "WHERE strpos(body, $1) > 0",
                form,
            )
            changed += int(result.rsplit(" ", 1)[1])
    return changed


async def execute(
    pool: asyncpg.Pool,
    actor: str,
    key: str | None,
    request: str,
    run: Callable[[Connection], Awaitable[Answer]],
    keep_days: int = 30,
) -> Answer:
    """Run a command in one transaction; with an Idempotency-Key, at most once."""
    if key is not None:
        return await once(pool, actor, key, request, run, keep_days)
    async with pool.acquire() as conn, conn.transaction():
        return await run(conn)
