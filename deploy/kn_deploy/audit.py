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

import gc
import io
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from aiokafka import AIOKafkaConsumer

from kn_contracts.topics import (
    FINANCE_EVENTS,
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    catalog,
)
from kn_deploy.audit_spill import Spill, write_figures
from kn_deploy.progress import Progress
from kn_rules.audit import AsOf
from kn_rules.audit_ledger import Ledger
from kn_rules.scheme import Scheme
from kn_servicekit.admission import Claim, LogKey, Stored, Verdict, admit
from kn_servicekit.batches import decode_batch
from kn_servicekit.deadletter import Origin
from kn_servicekit.kafka import partitions_of
from kn_servicekit.projection import Cutoff
from kn_servicekit.provenance import Provenance
from kn_servicekit.tuning import GC_THRESHOLDS

SOURCES = (MEMBERSHIP_EVENTS, MEETINGS_EVENTS, FINANCE_EVENTS, FINANCE_PAYOUTS)
FETCH_BYTES = 2 * 1024 * 1024  # per partition and fetch: a fetch held in memory stays small
BATCH = 4_000  # records decoded at a time


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
    bootstrap: str,
    as_of: AsOf,
    scheme: Scheme,
    prefix: str = "",
    progress: bool = True,
    out: BinaryIO | None = None,
) -> Audit:
    """Read every source topic from offset 0 up to its end at the start; recompute; write
    the canonical figures to `out` (or keep them in the Audit). Memory stays within one
    bucket's fold whatever the log's length (kn_deploy.audit_spill)."""
    started = time.monotonic()
    found = Audit("", [])
    with _collecting_less(), tempfile.TemporaryDirectory(prefix="kn-audit-") as work:
        shared = Ledger(scheme)  # the GLOBAL facts: rate tables, closed years
        spill = await _read(bootstrap, as_of, prefix, progress, found, shared, Path(work))
        found.read_seconds = time.monotonic() - started
        if progress:
            sys.stderr.write(f"audit: all read; folding {spill.count} bucket(s) of facts\n")
        kept = io.BytesIO()
        written = write_figures(spill, shared, as_of, out or kept, Path(work))
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


async def _read(
    bootstrap: str,
    as_of: AsOf,
    prefix: str,
    progress: bool,
    found: Audit,
    shared: Ledger,
    work: Path,
) -> Spill:
    """Pass one: every admitted fact to the shared ledger (GLOBAL) or its network's bucket."""
    names = [prefix + topic.name for topic in SOURCES]
    events, provenance = catalog(), Provenance(names)
    cutoff = Cutoff(as_of.day, "effective" if as_of.by == "effective_date" else "recorded")
    highs: dict[LogKey, int] = {}
    claimed: set[Claim] = set()  # events without a log position (none from our relays)
    lettered: set[Origin] = set()  # places left out: a redriven copy of one is applied
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=FETCH_BYTES,
        fetch_max_bytes=4 * FETCH_BYTES,
    )
    await consumer.start()
    try:
        partitions = [tp for name in names for tp in await partitions_of(consumer, name)]
        if not partitions:
            raise RuntimeError(f"none of {', '.join(names)} exists on {bootstrap}")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = {tp: end for tp, end in (await consumer.end_offsets(partitions)).items() if end}
        spill = Spill(work, sum(ends.values()))
        meter = Progress(sum(ends.values())) if progress else None
        while ends:
            fetched = await consumer.getmany(*ends, timeout_ms=1000, max_records=BATCH)
            for tp, records in fetched.items():
                kept = records if records[-1].offset < ends[tp] else [
                    r for r in records if r.offset < ends[tp]
                ]  # fmt: skip
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
            for delivery, record, verdict in zip(
                batch.deliveries, batch.records, verdicts.verdicts, strict=True
            ):
                if verdict is not Verdict.APPLY:
                    found.repeated += 1
                    continue
                spill.take(delivery.event, delivery.envelope.type, record.value, shared)
            spill.flush()
            if meter is not None:
                meter.advance(read)
    finally:
        await consumer.stop()
    return spill
