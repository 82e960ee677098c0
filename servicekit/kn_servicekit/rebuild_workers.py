"""A rebuild split over worker processes (issue 17 item 3): one fresh schema, the
projection's partitions shared out, each share replayed by a process of its own.

The parent creates the schema's tables once (so workers do not race to create them), shares
the partitions out by length (kn_servicekit.shares, as the audit does) and starts one
worker per share: the service's own `rebuild <read model> --into SCHEMA --partitions ...`,
which an operator may also start on another machine. Each worker commits its rows and
offsets batch by batch as a single runner does, and admission locks what a batch is judged
by, so shares never apply an event twice. Readers switch only when every worker caught up;
if one fails, readers stay where they were and the fresh schema is left for a look.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer, TopicPartition

from kn_contracts.catalog import Catalog
from kn_servicekit.db import create_pool
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka import end_places
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.parent import child_environment, end_with_starter
from kn_servicekit.projection import Projection
from kn_servicekit.runner import ProjectionRunner
from kn_servicekit.shares import Place, shares

SUMMARY = "kn_rebuild_share"  # the key of the JSON line a worker ends its stdout with


class WorkerFailed(RuntimeError):
    """A worker of a rebuild did not finish; readers were not switched."""


@dataclass(frozen=True)
class Done:
    """What one or all workers read and applied."""

    consumed: int
    applied: int


def partitions_arg(share: Sequence[Place]) -> str:
    """A share as the worker's --partitions argument: topic:partition,..."""
    return ",".join(f"{topic}:{partition}" for topic, partition, _ in share)


def parse_partitions(text: str) -> list[TopicPartition]:
    """--partitions back into partitions; a malformed one raises ValueError naming it."""
    found = []
    for part in text.split(","):
        topic, _, number = part.strip().rpartition(":")
        if not topic or not number.isdigit():
            raise ValueError(f"--partitions: {part!r} is not topic:partition (e.g. kn.x:0)")
        found.append(TopicPartition(topic, int(number)))
    return found


def share_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """A worker's two options, `--into SCHEMA --partitions topic:n,...` (what the parent
    appends to its command)."""
    parser.add_argument("--into", metavar="SCHEMA", required=required,
                        help="one worker: replay into SCHEMA ...")  # fmt: skip
    parser.add_argument("--partitions", metavar="TOPIC:N,...", required=required,
                        help="... these partitions only, and stop")  # fmt: skip


def summary_line(done: Done) -> str:
    """What a worker prints last, for its parent."""
    return json.dumps({SUMMARY: {"consumed": done.consumed, "applied": done.applied}})


async def replay_share(
    *,
    pool: asyncpg.Pool,
    kafka: KafkaAccess,
    producer: AIOKafkaProducer,
    consumer: str,
    projection: Projection,
    catalog: Catalog,
    schema: str,
    share: Sequence[TopicPartition],
) -> Done:
    """One worker's part: `share` from its stored offsets (0 in a fresh schema) into
    `schema` until caught up, as one runner replays every partition."""
    runner = ProjectionRunner(
        pool=pool,
        kafka=kafka,
        projection=projection,
        catalog=catalog,
        schema=schema,
        dead_letters=DeadLetters(producer, consumer),
        partitions=share,
    )
    await runner.run(until_caught_up=True)
    return Done(runner.consumed, runner.applied)


@asynccontextmanager
async def connected(
    database_url: str, kafka: KafkaAccess
) -> AsyncIterator[tuple[asyncpg.Pool, AIOKafkaProducer]]:
    """What a rebuild or one of its workers runs on: a small pool and a producer (for dead
    letters), closed afterwards."""
    pool = await create_pool(database_url, min_size=1, max_size=2)
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
    try:
        await producer.start()
        yield pool, producer
    finally:
        await producer.stop()
        await pool.close()


async def work_share(
    *,
    database_url: str,
    kafka: KafkaAccess,
    consumer: str,
    projection: Projection,
    catalog: Catalog,
    schema: str,
    share: Sequence[TopicPartition],
) -> Done:
    """A worker process's whole part: `replay_share` on connections of its own; it ends
    with the parent that started it (a parent killed leaves no worker behind)."""
    end_with_starter("a rebuild worker")
    async with connected(database_url, kafka) as (pool, producer):
        return await replay_share(pool=pool, kafka=kafka, producer=producer, consumer=consumer,
                                  projection=projection, catalog=catalog, schema=schema,
                                  share=share)  # fmt: skip


async def replay_in_workers(
    *,
    kafka: KafkaAccess,
    pool: asyncpg.Pool,
    schema: str,
    topics: Sequence[str],
    workers: int,
    command: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> Done:
    """Replay `topics` into `schema` (its tables made) by up to `workers` processes, each
    `command --into schema --partitions share`; return what they read and applied together.
    `progress` is told how many messages the workers have passed, about twice a second."""
    split = shares(await end_places(kafka, topics), workers)
    started = [await _start(command, schema, share) for share in split]
    watching = asyncio.create_task(_watch(pool, schema, progress)) if progress else None
    try:
        results = await asyncio.gather(*(_finish(process, share) for process, share in started))
    finally:
        if watching is not None:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
        for process, _ in started:
            if process.returncode is None:
                process.kill()
                await process.wait()
    failed = [result for result in results if isinstance(result, str)]
    if failed:
        raise WorkerFailed("; ".join(failed))
    done = [result for result in results if isinstance(result, Done)]
    return Done(sum(d.consumed for d in done), sum(d.applied for d in done))


async def _start(
    command: Sequence[str], schema: str, share: Sequence[Place]
) -> tuple[asyncio.subprocess.Process, Sequence[Place]]:
    process = await asyncio.create_subprocess_exec(
        *command, "--into", schema, "--partitions", partitions_arg(share),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=child_environment(),
    )  # fmt: skip
    return process, share


async def _finish(process: asyncio.subprocess.Process, share: Sequence[Place]) -> Done | str:
    """The worker's summary, or what went wrong with it (its last log lines)."""
    out, err = await process.communicate()
    for line in reversed(out.decode(errors="replace").splitlines()):
        if SUMMARY in line and process.returncode == 0:
            told = json.loads(line)[SUMMARY]
            return Done(int(told["consumed"]), int(told["applied"]))
    tail = err.decode(errors="replace").strip().splitlines()[-3:]
    return f"the worker for {partitions_arg(share)} exited with {process.returncode}: " + (
        " | ".join(tail) or "no output"
    )


async def _watch(pool: asyncpg.Pool, schema: str, progress: Callable[[int], None]) -> None:
    """Tell `progress` the offsets the workers have committed, summed, until cancelled."""
    while True:
        await asyncio.sleep(0.5)
        passed = await pool.fetchval(
            f'SELECT coalesce(sum(next_offset), 0) FROM "{schema}".kn_offsets'
        )
        progress(int(passed))


def worker_command(service: str, read_model: str) -> list[str]:
    """How the parent starts a worker of `service`'s rebuild of `read_model`."""
    return [sys.executable, "-m", f"kn_{service}", "rebuild", read_model]
