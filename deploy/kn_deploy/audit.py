"""`kn audit`: read the topics money comes from, from offset 0 into fresh state, recompute
every figure with the rules' own code (kn_rules.audit) and compare with what finance decided
and published.

Two passes (kn_deploy.audit_read reads, kn_deploy.audit_fold folds): the partitions are
read, in shares, and each admitted fact spilled to its network's bucket on disk; then each
bucket is folded with the facts every network shares, and the figures written network by
network. `workers` > 1 runs both passes in that many processes (one share of the
partitions each, then the buckets among them): the same figures, the same bytes.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kn_contracts.topics import FINANCE_EVENTS, FINANCE_PAYOUTS, MEETINGS_EVENTS, MEMBERSHIP_EVENTS
from kn_deploy.audit_fold import Folded, Folder, fold_bucket, fold_here, write_figures
from kn_deploy.audit_read import Part, read_share
from kn_deploy.audit_spill import bucket_count
from kn_rules.audit import AsOf
from kn_rules.audit_ledger import Fact
from kn_rules.scheme import Scheme
from kn_servicekit.kafka import end_places
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.progress import Progress
from kn_servicekit.shares import Place, shares
from kn_servicekit.tuning import GC_THRESHOLDS

SOURCES = (MEMBERSHIP_EVENTS, MEETINGS_EVENTS, FINANCE_EVENTS, FINANCE_PAYOUTS)


@dataclass
class Audit:
    """What a replay found: the digest of its figures, the differences, what it read.

    The figures' canonical JSON went to the `out` given to `replay`; without one it is
    kept here (`canonical()`, `figures`): for a small log, as the tests and reporting's
    comparison read it."""

    digest: str
    differences: list[dict[str, Any]]
    read: int = 0
    left_out: int = 0  # unreadable, or not written by the topic's owner
    repeated: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0  # of them, reading and admitting (the rest: folding, writing)
    networks: int = 0  # networks with figures
    size: int = 0  # bytes of canonical JSON written
    kept: bytes | None = None

    def canonical(self) -> bytes:
        if self.kept is None:
            raise ValueError("the figures were written to the replay's out, not kept")
        return self.kept

    @property
    def figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = json.loads(self.canonical())
        return figures


async def replay(
    kafka: KafkaAccess,
    as_of: AsOf,
    scheme: Scheme,
    prefix: str = "",
    progress: bool = True,
    out: BinaryIO | None = None,
    workers: int = 1,
) -> Audit:
    """Read every source topic from offset 0 up to its end at the start; recompute; write
    the canonical figures to `out` (or keep them in the Audit). Memory stays within one
    bucket's fold a process whatever the log's length (kn_deploy.audit_spill)."""
    started = time.monotonic()
    found = Audit("", [])
    names = [prefix + topic.name for topic in SOURCES]
    with (
        _collecting_less(),
        tempfile.TemporaryDirectory(prefix="kn-audit-") as work,
        _pool(workers) as pool,  # its processes start while the ends are read
    ):
        places = await end_places(kafka, names)
        total = sum(end for _, _, end in places)
        split = shares(places, workers)
        buckets = bucket_count(total, len(split))
        meter = Progress(total, "audit") if progress else None
        parts = await _read_all(kafka, as_of, names, split, buckets, Path(work), pool,
                                meter)  # fmt: skip
        found.read_seconds = time.monotonic() - started
        for part in parts:
            found.read += part.read
            found.left_out += part.left_out
            found.repeated += part.repeated
        if progress:
            sys.stderr.write(f"audit: all read; folding {buckets} bucket(s) of facts\n")
        kept = io.BytesIO()
        by_bucket = [[part.paths[n] for part in parts] for n in range(buckets)]
        shared = [fact for part in parts for fact in part.shared]
        written = write_figures(by_bucket, shared, scheme, as_of, out or kept, Path(work),
                                _folder(pool))  # fmt: skip
    found.digest, found.size, found.networks = written.digest, written.size, written.networks
    found.differences = written.differences
    if out is None:
        found.kept = kept.getvalue()
    found.seconds = time.monotonic() - started
    return found


@contextmanager
def _collecting_less() -> Iterator[None]:
    """The kit's GC thresholds while the replay runs (then the caller's again): decoding
    makes objects by the million, and the default thresholds spent half a replay's time
    collecting them (1.1 million events: 68 s reading and decoding, 28 s with these)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


# Workers: processes started fresh (spawn: nothing of this process's event loop or
# consumers is copied), each counting what it read into one shared counter for the meter.
_counter: Any = None


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    if workers <= 1:
        yield None
        return
    spawn = multiprocessing.get_context("spawn")
    counter = spawn.Value("q", 0)
    with ProcessPoolExecutor(workers, spawn, initializer=_started, initargs=(counter,)) as pool:
        global _counter
        _counter = counter
        # A spawned worker takes about a second to start and import what it runs (measured
        # at national scale: reading began 0.7 s after the processes were asked for, which
        # came 1.0 s after the replay began). The pool starts a process for each task
        # submitted while none is idle, so these start them all now, in parallel with
        # whatever the caller does first (reading the topics' ends).
        for _ in range(workers):
            pool.submit(_ready)
        yield pool


def _ready() -> None:
    """A first task: only there to have the pool start its processes (_pool)."""


def _started(counter: Any) -> None:
    global _counter
    _counter = counter
    gc.set_threshold(*GC_THRESHOLDS)


def _count(read: int) -> None:
    with _counter.get_lock():
        _counter.value += read


def _read_in_worker(
    kafka: KafkaAccess, as_of: AsOf, names: list[str], share: list[Place], buckets: int, path: Path
) -> Part:
    return asyncio.run(read_share(kafka, as_of, names, share, buckets, path, _count))


async def _read_all(
    kafka: KafkaAccess,
    as_of: AsOf,
    names: list[str],
    split: list[list[Place]],
    buckets: int,
    work: Path,
    pool: Executor | None,
    meter: Progress | None,
) -> list[Part]:
    """Pass one: each share read (here, or one a worker)."""
    tick: Callable[[int], None] = meter.advance if meter is not None else lambda _: None
    if pool is None:
        return [await read_share(kafka, as_of, names, split[0], buckets, work / "r0", tick)]
    running = [
        asyncio.wrap_future(
            pool.submit(_read_in_worker, kafka, as_of, names, share, buckets, work / f"r{n}")
        )
        for n, share in enumerate(split)
    ]
    while not all(task.done() for task in running):
        await asyncio.wait(running, timeout=0.5)
        if meter is not None:
            tick(_counter.value - meter.done)
    return [task.result() for task in running]


def _folder(pool: Executor | None) -> Folder:
    """Pass two: the buckets folded here, or among the workers."""

    if pool is None:
        return fold_here

    def fold(
        buckets: list[list[Path]], shared: list[Fact], scheme: Scheme, as_of: AsOf, work: Path
    ) -> list[Folded]:
        futures: list[Future[Folded]] = [
            pool.submit(fold_bucket, paths, shared, scheme, as_of, work / f"figures-{n}")
            for n, paths in enumerate(buckets)
        ]
        return [future.result() for future in futures]

    return fold
