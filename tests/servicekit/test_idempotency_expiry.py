"""An Idempotency-Key's answer is kept for a bounded time (issue 15 item 3): a repeat within
it gets the first answer; after it the stored answer, which may name persons, is gone."""

from __future__ import annotations

import asyncpg
import pytest

from kn_servicekit import idempotency
from kn_servicekit.db import Connection
from kn_servicekit.idempotency import Answer, once

pytestmark = pytest.mark.infra


class Counted:
    """A command that counts its runs and answers with the count (and a person's name)."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self, _: Connection) -> Answer:
        self.runs += 1
        return Answer(201, {"name": "Anna Andersen", "run": self.runs})


@pytest.fixture
async def run(pool: asyncpg.Pool) -> Counted:
    await pool.execute(idempotency.SCHEMA)
    return Counted()


async def expire(pool: asyncpg.Pool, key: str) -> None:
    await pool.execute(
        "UPDATE kn_idempotency SET created_at = now() - interval '31 days' WHERE key = $1", key
    )


async def test_a_stored_answer_is_deleted_after_its_days_and_a_repeat_runs_anew(
    pool: asyncpg.Pool, run: Counted
) -> None:
    first = await once(pool, "ekm", "k-1", "fp", run, keep_days=30)
    again = await once(pool, "ekm", "k-1", "fp", run, keep_days=30)
    assert first == again == Answer(201, {"name": "Anna Andersen", "run": 1})
    assert run.runs == 1
    await expire(pool, "k-1")
    await once(pool, "ekm", "k-2", "fp", run, keep_days=30)  # any keyed command purges
    kept = await pool.fetch("SELECT key, body FROM kn_idempotency ORDER BY key")
    assert [row["key"] for row in kept] == ["k-2"]
    later = await once(pool, "ekm", "k-1", "fp", run, keep_days=30)
    assert later.body["run"] == 3


async def test_an_expired_answer_is_not_given_to_its_own_key_and_the_command_runs_anew(
    pool: asyncpg.Pool, run: Counted
) -> None:
    await once(pool, "ekm", "k-old", "fp", run, keep_days=30)
    await expire(pool, "k-old")
    again = await once(pool, "ekm", "k-old", "fp", run, keep_days=30)
    assert again == Answer(201, {"name": "Anna Andersen", "run": 2})
    kept = await pool.fetch(
        "SELECT key, created_at > now() - interval '1 day' AS new "
        "FROM kn_idempotency WHERE key = 'k-old'"
    )
    assert [(row["key"], row["new"]) for row in kept] == [("k-old", True)]
