"""Pieces of a latency benchmark on the real Kafka and PostgreSQL: an open-loop schedule, a
poll loop that notes when rows appear (and its own floor), a raw produce -> consume round
trip with the kit's settings, and what a service's /metrics says about where time went."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from prometheus_client.parser import text_string_to_metric_families

from benchmarks import cpu
from benchmarks.common import percentile, scratch_pool
from kn_servicekit.db import Connection
from kn_servicekit.kafka import partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.relay import make_producer
from tests.support.ticks import create_topic

Message = tuple[bytes | None, list[tuple[str, bytes]], bytes | None]
"""(key, headers, value) of one Kafka record"""


async def open_loop(
    count: int,
    rate: float,
    act: Callable[[int, float], Coroutine[Any, Any, None]],
    concurrency: int | None = None,
) -> float:
    """Release n at start + n/rate, whether or not earlier ones finished, and run
    act(n, released): at once, or (given `concurrency`) by the first of that many workers
    free, as a client with a pool of connections does. Waits for all; returns the rate
    achieved (releases per second from the first to the last)."""
    queue: asyncio.Queue[tuple[int, float]] = asyncio.Queue()

    async def worker() -> None:
        while True:
            n, released = await queue.get()
            await act(n, released)
            queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(concurrency or 0)]
    tasks: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    released = start
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        released = time.perf_counter()
        if workers:
            queue.put_nowait((n, released))
        else:
            tasks.append(asyncio.create_task(act(n, released)))
    await asyncio.gather(*tasks)
    await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    span = released - start
    return (count - 1) / span if span > 0 else float(count)


class Observer:
    """Polls `query` (rows (seq, key) after $1, by seq) every `poll_ms`; notes when each key
    first showed. Right for a table one writer fills, whose seq order is commit order."""

    def __init__(self, conn: Connection, query: str, poll_ms: float) -> None:
        self._conn, self._query, self._every = conn, query, poll_ms / 1000
        self.seen: dict[str, float] = {}
        self.polls = 0
        self._wanted: set[str] = set()
        self._all_seen = asyncio.Event()

    async def settle(self, keys: set[str], within: float) -> None:
        """Wait until every one of `keys` was seen, or `within` seconds (the missing are
        reported); then stop polling."""
        self._wanted = keys
        if keys <= self.seen.keys():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_seen.wait(), within)

    async def run(self) -> None:
        statement = await self._conn.prepare(self._query)
        last = 0
        while True:
            rows = await statement.fetch(last)
            now = time.perf_counter()
            self.polls += 1
            for seq, key in rows:
                self.seen.setdefault(key, now)
                last = seq
            if rows and self._wanted and self._wanted <= self.seen.keys():
                self._all_seen.set()
            await asyncio.sleep(self._every)


async def observer_floor(url: str, rate: float, seconds: float, poll_ms: float) -> list[float]:
    """How late the Observer sees a row: one connection commits rows at `rate`, another polls;
    from the insert's commit returning to the poll that returns the row."""
    async with scratch_pool(url, size=2) as pool:
        await pool.execute("CREATE TABLE probe (seq bigserial PRIMARY KEY, key text NOT NULL)")
        committed: dict[str, float] = {}
        async with pool.acquire() as conn:
            observer = Observer(conn, "SELECT seq, key FROM probe WHERE seq > $1 ORDER BY seq",
                                poll_ms)  # fmt: skip
            watching = asyncio.create_task(observer.run())

            async def insert(n: int, _: float) -> None:  # one writer: seq order = commit order
                await pool.execute("INSERT INTO probe (key) VALUES ($1)", str(n))
                committed[str(n)] = time.perf_counter()

            await open_loop(max(1, round(rate * seconds)), rate, insert)
            await observer.settle(set(committed), within=5)
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
        return [observer.seen[k] - t for k, t in committed.items() if k in observer.seen]


async def round_trip(
    kafka: KafkaAccess, topic: str, message: Message, keys: Sequence[str], count: int, rate: float
) -> list[float]:
    """Raw aiokafka through the same broker: the relay's producer (make_producer) sends
    `message` under each key in turn at `rate`; a consumer with the projection runner's
    settings (aiokafka's defaults, getmany(timeout_ms=500)) reads it. Send -> consumer holds."""
    await create_topic(kafka, topic)
    producer = make_producer(kafka, "bench-round-trip")
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False,
                                max_partition_fetch_bytes=4 * 1024 * 1024)  # fmt: skip
    await producer.start()
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        sent: dict[bytes, float] = {}
        arrived: dict[bytes, float] = {}

        async def receive() -> None:
            while len(arrived) < count:
                batch = await consumer.getmany(timeout_ms=500, max_records=5000)
                now = time.perf_counter()
                for records in batch.values():
                    for record in records:
                        arrived.setdefault(dict(record.headers)["bench_n"], now)

        async def send(n: int, released: float) -> None:
            _, headers, value = message
            number = str(n).encode()
            sent[number] = released
            await producer.send(topic, value, key=keys[n % len(keys)].encode(),
                                headers=[*headers, ("bench_n", number)])  # fmt: skip

        receiving = asyncio.create_task(receive())
        await open_loop(count, rate, send)
        await asyncio.wait_for(receiving, 60)
        return [arrived[n] - t for n, t in sent.items()]
    finally:
        await consumer.stop()
        await producer.stop()


async def scrape(urls: dict[str, str], route: str) -> dict[str, float]:
    """Membership's server time for `route` and meetings' membership_view batches so far."""
    view = "membership_view"
    wanted = {
        ("membership", "kn_http_request_seconds_sum", "route", route): "server_s",
        ("membership", "kn_http_request_seconds_count", "route", route): "requests",
        ("meetings", "kn_projection_batch_seconds_sum", "projection", view): "write_s",
        ("meetings", "kn_projection_batch_seconds_count", "projection", view): "batches",
        ("meetings", "kn_projection_events_applied_total", "projection", view): "applied",
    }
    found = dict.fromkeys(wanted.values(), 0.0)
    async with httpx.AsyncClient(timeout=10) as http:
        for service in ("membership", "meetings"):
            text = (await http.get(f"{urls[service]}/metrics")).text
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    for label in ("route", "projection"):
                        name = wanted.get((service, s.name, label, s.labels.get(label, "")))
                        if name is not None:
                            found[name] += s.value
    return found


@dataclass(frozen=True)
class Split:
    """What the services' own /metrics say about the run (differences, after - before)."""

    delta: dict[str, float]

    @classmethod
    def of(cls, before: dict[str, float], after: dict[str, float]) -> Split:
        return cls({k: after[k] - before[k] for k in after})

    def show(self) -> None:
        d = self.delta
        requests, batches = max(d["requests"], 1), max(d["batches"], 1)
        print(f"membership's own time per command (its /metrics): mean "
              f"{d['server_s'] / requests * 1000:.1f} ms over {d['requests']:.0f}")  # fmt: skip
        print(f"meetings' membership_view (its /metrics): {d['batches']:.0f} batches, mean "
              f"{d['applied'] / batches:.1f} events and {d['write_s'] / batches * 1000:.1f} ms "
              "written each")  # fmt: skip


class CpuMeter:
    """CPU seconds of named processes, this one ("benchmark"), the broker and PostgreSQL
    (the last two shared: others' work in the same seconds counts too)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids, self._meter = pids, cpu.Meter()
        self._start = self._now()

    def _now(self) -> dict[str, float]:
        found = {name: cpu.process_cpu(pid) for name, pid in self._pids.items()}
        shared = self._meter.sample()
        return found | {"benchmark": shared.client, "kafka": shared.broker,
                        "postgresql": shared.postgres}  # fmt: skip

    def show(self, commands: int) -> None:
        """CPU ms per command of each, since the meter was made."""
        now, n = self._now(), max(1, commands)
        spent = {name: (now[name] - self._start[name]) * 1000 / n for name in now}
        print(f"CPU per command (ms): total {sum(spent.values()):.1f} = "
              + ", ".join(f"{name} {ms:.1f}" for name, ms in spent.items()))  # fmt: skip


def line(name: str, seconds: list[float]) -> tuple[float, float, float, float] | None:
    """Print p50, p90, p99, max and count of `seconds` in ms; return them."""
    if not seconds:
        print(f"{name:<34} no samples")
        return None
    p50, p90, p99 = (percentile(seconds, q) * 1000 for q in (50, 90, 99))
    top = max(seconds) * 1000
    print(f"{name:<34} p50 {p50:6.1f}  p90 {p90:6.1f}  p99 {p99:6.1f}  max {top:6.1f} ms  "
          f"(n={len(seconds)})")  # fmt: skip
    return p50, p90, p99, top
