"""Two requests with one Idempotency-Key at the same time: the second waits for the first
and gets its answer; if the first fails, the second runs; a reused key is refused."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from kn_servicekit import idempotency
from kn_servicekit.db import Connection
from kn_servicekit.errors import KeyReusedError
from kn_servicekit.idempotency import Answer, once

pytestmark = pytest.mark.infra


class Slow:
    """A command that holds its transaction a while; fails on its first run if told to."""

    def __init__(self, fail_first: bool = False) -> None:
        self.runs = 0
        self.started = asyncio.Event()
        self._fail_first = fail_first

    async def __call__(self, conn: Connection) -> Answer:
        self.runs += 1
        self.started.set()
        await conn.execute("SELECT pg_sleep(0.3)")
        if self._fail_first and self.runs == 1:
            raise ValueError("the first run fails")
        return Answer(201, {"run": self.runs})


async def _running_first(keyed: asyncpg.Pool, run: Slow) -> asyncio.Task[Answer]:
    """The first request with key "k", started and holding its claim."""
    first = asyncio.create_task(once(keyed, "ekm", "k", "fp", run))
    await run.started.wait()
    return first


@pytest.fixture
async def keyed(pool: asyncpg.Pool) -> asyncpg.Pool:
    await pool.execute(idempotency.SCHEMA)
    return pool


async def test_a_concurrent_repeat_waits_for_the_first_and_gets_its_answer(
    keyed: asyncpg.Pool,
) -> None:
    run = Slow()
    first = await _running_first(keyed, run)
    second = await once(keyed, "ekm", "k", "fp", run)
    assert await first == second == Answer(201, {"run": 1})
    assert run.runs == 1


async def test_a_concurrent_repeat_runs_itself_when_the_first_fails(
    keyed: asyncpg.Pool,
) -> None:
    run = Slow(fail_first=True)
    first = await _running_first(keyed, run)
    second = await once(keyed, "ekm", "k", "fp", run)
    with pytest.raises(ValueError, match="the first run fails"):
        await first
    assert second == Answer(201, {"run": 2})
    rows = await keyed.fetch("SELECT status, body FROM kn_idempotency WHERE key = 'k'")
    assert [(row["status"], row["body"]) for row in rows] == [(201, '{"run": 2}')]


async def test_a_concurrent_request_reusing_the_key_for_another_request_is_refused(
    keyed: asyncpg.Pool,
) -> None:
    run = Slow()
    first = await _running_first(keyed, run)
    with pytest.raises(KeyReusedError, match="use a new key for a new command"):
        await once(keyed, "ekm", "k", "other", run)
    assert await first == Answer(201, {"run": 1})
    assert run.runs == 1


async def test_the_same_key_of_another_actor_is_another_command(keyed: asyncpg.Pool) -> None:
    run = Slow()
    assert await once(keyed, "ekm", "k", "fp", run) == Answer(201, {"run": 1})
    assert await once(keyed, "coordinator", "k", "fp", run) == Answer(201, {"run": 2})


async def test_a_purge_does_not_wait_for_an_expired_answer_another_command_takes_over(
    keyed: asyncpg.Pool,
) -> None:
    quick = Slow()
    await once(keyed, "ekm", "k-old", "fp", quick)
    await keyed.execute(
        "UPDATE kn_idempotency SET created_at = now() - interval '31 days' WHERE key = 'k-old'"
    )
    slow = Slow()
    taking_over = asyncio.create_task(once(keyed, "ekm", "k-old", "fp", slow))
    await slow.started.wait()  # its claim holds the expired row
    other = await asyncio.wait_for(once(keyed, "ekm", "k-new", "fp", Counted()), 0.25)
    assert other == Answer(201, {"counted": 1})
    assert not taking_over.done()
    assert await taking_over == Answer(201, {"run": 1})


class Counted:
    """A quick command."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self, _: Connection) -> Answer:
        self.runs += 1
        return Answer(201, {"counted": self.runs})
