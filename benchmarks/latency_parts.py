"""Pieces of a latency benchmark on the real PostgreSQL: an open-loop schedule, a poll loop
that notes when rows appear (and its own floor), CPU per process, the percentiles line."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from benchmarks import cpu
from benchmarks.common import percentile, scratch_pool
from kn_servicekit.db import Connection


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

    def per_command(self, commands: int) -> str:
        """CPU ms per command of each, since the meter was made."""
        now, n = self._now(), max(1, commands)
        spent = {name: (now[name] - self._start[name]) * 1000 / n for name in now}
        return f"CPU per command (ms): total {sum(spent.values()):.1f} = " + ", ".join(
            f"{name} {ms:.1f}" for name, ms in spent.items()
        )


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
