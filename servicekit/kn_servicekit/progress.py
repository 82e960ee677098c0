"""A progress meter for long reads (`kn audit`, `kn dlq`, `kn-<service> rebuild`): count,
rate and ETA on stderr, a bar in a terminal and a plain line every few seconds if not (a
log file, a pipe, CI). One mechanism: every long CLI read takes a `Progress`."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from kn_servicekit.kafka import bounds
from kn_servicekit.kafka_access import KafkaAccess

WIDTH = 30  # characters of the bar


@dataclass
class Progress:
    """Count, rate and ETA on stderr: a bar in a terminal, a line every few seconds if not."""

    total: int
    label: str = "progress"  # what is read, e.g. "audit", "rebuild membership_view"
    unit: str = "events"
    out: TextIO = field(default_factory=lambda: sys.stderr)
    every: float = 2.0  # seconds between plain lines
    done: int = 0
    _start: float = field(default_factory=time.monotonic)
    _last: float | None = None  # when the last line was written; the first comes at once
    _ended: bool = False

    def expect(self, more: int) -> None:
        """More to read than the total said (found while reading)."""
        self.total += more

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        tty = self.out.isatty()
        complete = self.done >= self.total
        recent = self._last is not None and now - self._last < self.every
        if not tty and recent and not complete:
            return
        if complete and self._ended:
            return
        self._last = now
        rate = self.done / max(now - self._start, 1e-6)
        eta = max(self.total - self.done, 0) / rate if rate else 0.0
        said = f"{self.done:,}/{self.total:,} {self.unit}, {rate:,.0f}/s, ETA {eta:.0f}s"
        if tty:
            filled = min(WIDTH, int(WIDTH * self.done / max(self.total, 1)))
            self.out.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {said}")
            if complete:
                self.out.write("\n")
        else:
            self.out.write(f"{self.label}: {said}\n")
        self._ended = complete
        self.out.flush()

    def finish(self) -> None:
        """The read is over (even short of the total): the last count, and a bar's line ended."""
        if not self._ended:
            self.total = self.done  # what there was to read, it turns out
            self.advance(0)


@contextlib.asynccontextmanager
async def following(
    meter: Progress | None, count: Callable[[], int], every: float = 0.2
) -> AsyncIterator[None]:
    """Advance `meter` to `count()` every `every` seconds while the body runs, then finish
    it: the reader being followed (a projection runner) needs no hook of its own."""
    if meter is None:
        yield
        return

    def catch_up() -> None:
        meter.advance(count() - meter.done)

    async def watch() -> None:
        while True:
            await asyncio.sleep(every)
            catch_up()

    watcher = asyncio.create_task(watch())
    try:
        yield
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        catch_up()
        meter.finish()


async def extent(kafka: KafkaAccess, topics: Iterable[str]) -> int:
    """How many records the topics hold now (end minus beginning offsets): what a read from
    the start has ahead of it. A topic that does not exist counts 0 (its reader says so)."""
    return sum(end - start for start, end in (await bounds(kafka, list(topics))).values())
