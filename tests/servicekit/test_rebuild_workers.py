"""Issue 17 item 3: a rebuild split over worker processes, the partitions shared out, gives
the rows one runner gives; a failing worker leaves the readers where they were."""

from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from kn_deploy.infra import kafka_env
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.rebuild_workers import (
    Done,
    WorkerFailed,
    parse_partitions,
    partitions_arg,
    replay_in_workers,
)
from kn_servicekit.shares import shares
from tests.support.kafka import produce
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, tallies, tick, tick_message

ROOT = Path(__file__).resolve().parents[2]


def test_a_share_is_whole_partitions_and_reads_back_from_its_argument() -> None:
    places = [("kn.a", 0, 900), ("kn.a", 1, 100), ("kn.b", 0, 500), ("kn.b", 1, 450)]
    split = shares(places, 2)
    # the longest first, each to the share with the least so far: 900 | 500 + 450, then 100
    assert split == [[("kn.a", 0, 900), ("kn.a", 1, 100)], [("kn.b", 0, 500), ("kn.b", 1, 450)]]
    assert [(tp.topic, tp.partition) for tp in parse_partitions(partitions_arg(split[1]))] == [
        ("kn.b", 0), ("kn.b", 1)]  # fmt: skip
    assert len(shares(places, 9)) == 4  # never an empty share


def test_a_malformed_share_names_what_to_write() -> None:
    with pytest.raises(ValueError, match=r"'kn\.a' is not topic:partition \(e\.g\. kn\.x:0\)"):
        parse_partitions("kn.a:0,kn.a")


def worker(database: str, topic: str, name: str) -> list[str]:
    return [sys.executable, "-m", "tests.support.tally_worker", database, topic, name]


@pytest.mark.infra
async def test_three_workers_rebuild_the_rows_one_runner_builds_each_event_once(
    pool: asyncpg.Pool,
    database: str,
    kafka_admin: KafkaAccess,
    topic: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chance = random.Random(17)
    # keys at random: one counter's ticks on every partition, so workers write the same rows
    ticks = [tick(f"c{n % 7}", chance.randint(1, 9)) for n in range(600)]
    messages = [(uuid.uuid4().bytes, *tick_message(str(uuid.uuid4()), t)) for t in ticks]
    await produce(kafka_admin, topic, messages)
    projection = TallyProjection(topic, name=f"tally_{uuid.uuid4().hex[:8]}")
    async with dead_letter_producer(kafka_admin) as producer:
        alone = await catch_up(runner(pool, kafka_admin, projection, producer))
        shared = runner(pool, kafka_admin, projection, producer)
        await shared.prepare()
    path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    for name, value in {**kafka_env(kafka_admin), "PYTHONPATH": path}.items():
        monkeypatch.setenv(name, value)
    seen: list[int] = []

    done = await replay_in_workers(
        kafka=kafka_admin, pool=pool, schema=shared.schema, topics=[topic], workers=3,
        command=worker(database, topic, projection.name), progress=seen.append,
    )  # fmt: skip

    assert done == Done(consumed=600, applied=600)
    assert await tallies(pool, shared.schema) == await tallies(pool, alone.schema)
    offsets = await pool.fetch(f'SELECT partition, next_offset FROM "{shared.schema}".kn_offsets')
    assert len(offsets) == 3
    assert sum(row["next_offset"] for row in offsets) == 600
    assert all(0 <= passed <= 600 for passed in seen)


@pytest.mark.infra
async def test_a_failing_worker_is_named_with_its_last_lines_and_nothing_switches(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    await produce(kafka_admin, topic, [(b"k", *tick_message(str(uuid.uuid4()), tick("a")))])
    failing = [sys.executable, "-c", "import sys; sys.stderr.write('no database\\n'); sys.exit(3)"]
    with pytest.raises(
        WorkerFailed, match=rf"the worker for {topic}:\d exited with 3: no database"
    ):
        await replay_in_workers(
            kafka=kafka_admin, pool=pool, schema="unused", topics=[topic], workers=2,
            command=failing,
        )  # fmt: skip
