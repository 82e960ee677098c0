"""The raw aiokafka read in N worker processes: one consumer group, the topic's partitions
split among them by the group, every worker joined and its partitions held (paused) before
the clock starts, so only reading is timed."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
import time
import uuid
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as Signal

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from benchmarks.cpu import Meter, Spent
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.tuning import tune_gc

STABLE_SECONDS = 1.5  # no new assignment this long: the group has settled
JOIN_TIMEOUT = 60.0


def _own_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


class _Hold(ConsumerRebalanceListener):  # type: ignore[misc]
    """Pauses what the group assigns and tells the parent; the end offsets read here."""

    def __init__(self, consumer: AIOKafkaConsumer, pipe: Connection) -> None:
        self.consumer, self.pipe = consumer, pipe
        self.ends: dict[TopicPartition, int] = {}

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.consumer.pause(*assigned)
        self.ends = await self.consumer.end_offsets(list(assigned)) if assigned else {}
        self.pipe.send(("assigned", sorted(tp.partition for tp in assigned)))


async def _work(
    kafka: KafkaAccess, topic: str, group: str, pipe: Connection, go: Signal, end: Signal
) -> None:
    consumer = AIOKafkaConsumer(
        **kafka_options(kafka), group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest", max_partition_fetch_bytes=4 * 1024 * 1024,
    )  # fmt: skip
    hold = _Hold(consumer, pipe)
    await consumer.start()
    try:
        consumer.subscribe([topic], listener=hold)
        while not go.is_set():  # joined, heartbeating, nothing fetched
            await consumer.getmany(timeout_ms=5)
        cpu = _own_cpu()
        ends, count = hold.ends, 0
        consumer.resume(*ends)
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                count += len(records)
        pipe.send(("done", count, time.monotonic(), _own_cpu() - cpu))
        consumer.pause(*ends)
        while not end.is_set():  # stay in the group: leaving would move partitions of the rest
            await consumer.getmany(timeout_ms=20)
    finally:
        await consumer.stop()


def worker(
    kafka: KafkaAccess, topic: str, group: str, pipe: Connection, go: Signal, end: Signal
) -> None:
    """One worker process (spawned)."""
    tune_gc()  # as every service process does
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # a join's rebalancing is expected
    asyncio.run(_work(kafka, topic, group, pipe, go, end))


def read_in_workers(
    kafka: KafkaAccess, topic: str, workers: int, partitions: int, meter: Meter
) -> tuple[int, Spent, str]:
    """(records, cost, the group's id): wall from the start signal to the last worker done;
    client CPU is the workers' own, from the signal on."""
    context = multiprocessing.get_context("spawn")
    group = f"bench-workers-{uuid.uuid4().hex[:8]}"
    go, end = context.Event(), context.Event()
    pipes, processes = [], []
    for _ in range(workers):
        mine, theirs = context.Pipe()
        process = context.Process(target=worker, args=(kafka, topic, group, theirs, go, end))
        process.start()
        pipes.append(mine)
        processes.append(process)
    try:
        _settle(pipes, partitions)
        start = meter.sample()
        go.set()
        began = time.monotonic()
        done = [_expect_done(pipe) for pipe in pipes]
        spent = meter.since(start)
        wall = max(finished for _, finished, _ in done) - began
        cpu = sum(used for _, _, used in done)
        return (
            sum(count for count, _, _ in done),
            Spent(wall, cpu, spent.broker, spent.postgres),
            group,
        )
    finally:
        end.set()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


def _settle(pipes: list[Connection], partitions: int) -> None:
    """Wait until the workers' latest assignments split every partition among them and no
    new one came for STABLE_SECONDS."""
    latest: dict[int, list[int]] = {}
    deadline = time.monotonic() + JOIN_TIMEOUT
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        for n, pipe in enumerate(pipes):
            while pipe.poll():
                kind, *rest = pipe.recv()
                if kind == "assigned":
                    latest[n], quiet_since = rest[0], time.monotonic()
        held = [p for assigned in latest.values() for p in assigned]
        split = len(latest) == len(pipes) and sorted(held) == list(range(partitions))
        if split and time.monotonic() - quiet_since >= STABLE_SECONDS:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the group did not split {partitions} partitions: {latest}")


def _expect_done(pipe: Connection) -> tuple[int, float, float]:
    while True:
        if not pipe.poll(900):
            raise TimeoutError("a worker did not finish in 15 minutes")
        kind, *rest = pipe.recv()
        if kind == "done":
            return int(rest[0]), float(rest[1]), float(rest[2])
        raise RuntimeError(f"a worker's partitions moved after the start: {kind} {rest}")
