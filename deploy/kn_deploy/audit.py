"""`kn audit`: read the topics money comes from, from offset 0 into fresh state, recompute
every figure with the rules' own code (kn_rules.audit) and compare with what finance decided
and published.

Each message is decoded and checked as the services check it: a message its topic's owner
did not write, or that cannot be read, is counted and left out (the services dead-letter
it); a repeat of an event (a relay's re-publication) is applied once, by the same admission
the projections use. Only facts recorded (or, by effective_date, taking effect) on or
before the day are taken.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer

from kn_contracts.topics import (
    FINANCE_EVENTS,
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    catalog,
)
from kn_rules.audit import AsOf, Ledger, differences, figures
from kn_rules.canonical import canonical, digest
from kn_rules.scheme import Scheme
from kn_servicekit.admission import Claim, LogKey, Stored, Verdict, admit
from kn_servicekit.batches import decode_batch
from kn_servicekit.deadletter import Origin
from kn_servicekit.kafka import partitions_of
from kn_servicekit.projection import Cutoff
from kn_servicekit.provenance import Provenance

SOURCES = (MEMBERSHIP_EVENTS, MEETINGS_EVENTS, FINANCE_EVENTS, FINANCE_PAYOUTS)


@dataclass
class Audit:
    """What a replay found: the figures, their digest, the differences, and what it read."""

    figures: dict[str, Any]
    digest: str
    differences: list[dict[str, Any]]
    read: int = 0
    left_out: int = 0  # unreadable, or not written by the topic's owner
    repeated: int = 0
    seconds: float = 0.0

    def canonical(self) -> bytes:
        return canonical(self.figures)


@dataclass
class Progress:
    """Count, rate and ETA on stderr: a bar in a terminal, a line every few seconds if not."""

    total: int
    out: TextIO = field(default_factory=lambda: sys.stderr)
    every: float = 2.0
    done: int = 0
    _start: float = field(default_factory=time.monotonic)
    _last: float = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        tty = self.out.isatty()
        if not tty and now - self._last < self.every and self.done < self.total:
            return
        self._last = now
        rate = self.done / max(now - self._start, 1e-6)
        eta = (self.total - self.done) / rate if rate else 0.0
        said = f"{self.done:,}/{self.total:,} events, {rate:,.0f}/s, ETA {eta:.0f}s"
        if tty:
            filled = int(30 * self.done / max(self.total, 1))
            self.out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {said}")
            if self.done >= self.total:
                self.out.write("\n")
        else:
            self.out.write(f"audit: {said}\n")
        self.out.flush()


async def replay(
    bootstrap: str,
    as_of: AsOf,
    scheme: Scheme,
    prefix: str = "",
    progress: bool = True,
) -> Audit:
    """Read every source topic from offset 0 up to its end at the start; recompute."""
    started = time.monotonic()
    names = [prefix + topic.name for topic in SOURCES]
    events, provenance = catalog(), Provenance(names)
    cutoff = Cutoff(as_of.day, "effective" if as_of.by == "effective_date" else "recorded")
    ledger = Ledger(scheme)
    highs: dict[LogKey, int] = {}
    claimed: set[Claim] = set()  # events without a log position (none from our relays)
    lettered: set[Origin] = set()  # places left out: a redriven copy of one is applied
    found = Audit({}, "", [])
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    try:
        partitions = [tp for name in names for tp in await partitions_of(consumer, name)]
        if not partitions:
            raise RuntimeError(f"none of {', '.join(names)} exists on {bootstrap}")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = {tp: end for tp, end in (await consumer.end_offsets(partitions)).items() if end}
        meter = Progress(sum(ends.values())) if progress else None
        while ends:
            fetched = await consumer.getmany(*ends, timeout_ms=1000, max_records=10_000)
            for tp, records in fetched.items():
                kept = [r for r in records if r.offset < ends[tp]]
                fetched[tp] = kept
                if not kept or kept[-1].offset + 1 >= ends[tp]:
                    ends.pop(tp)
            batch = decode_batch({tp: r for tp, r in fetched.items() if r}, events, cutoff,
                                 provenance)  # fmt: skip
            read = sum(len(r) for r in fetched.values())
            found.read += read
            found.left_out += len(batch.letters)
            lettered |= {(x.topic, x.partition, x.offset) for x in batch.letters}
            held = {origin for origin in batch.redriven.values() if origin in lettered}
            stored = Stored(highs=highs, claimed=claimed, held=held)
            verdicts = admit(batch.deliveries, stored, batch.redriven)
            highs.update(verdicts.raised)
            claimed |= {
                (d.envelope.source, d.envelope.id)
                for d in batch.deliveries
                if d.envelope.sequence is None or d.envelope.log is None
            }
            for delivery, verdict in zip(batch.deliveries, verdicts.verdicts, strict=True):
                if verdict is Verdict.APPLY:
                    ledger.apply(delivery.event)
                else:
                    found.repeated += 1
            if meter is not None:
                meter.advance(read)
    finally:
        await consumer.stop()
    found.figures = figures(ledger, as_of)
    found.digest = digest(found.figures)
    found.differences = differences(ledger, found.figures)
    found.seconds = time.monotonic() - started
    return found
