"""The audit's first pass over one share of the source partitions (kn_deploy.audit).

Each message is decoded and checked as the services check it: a message its topic's owner
did not write, or that cannot be read, is counted and left out (the services dead-letter
it); a repeat of an event (a relay's re-publication) is applied once, by the same admission
the projections use. Only facts recorded (or, by effective_date, taking effect) on or
before the day are taken. Each admitted fact goes to its network's bucket on disk
(kn_deploy.audit_spill).

A share is a set of whole partitions, so one reader, in this process or in a worker of its
own, holds everything admission judges by: the high-water marks are per partition, and a
redriven letter comes back to its own partition. The one exception, an event without a
log position claimed by (ce_source, ce_id), is judged here within the share and once more
where its bucket is folded, so two readers cannot both apply it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from kn_contracts.topics import catalog
from kn_deploy.audit_spill import Spill
from kn_rules.audit import AsOf
from kn_rules.audit_ledger import Fact
from kn_servicekit.admission import Claim, LogKey, Stored, Verdict, admit
from kn_servicekit.batches import decode_batch
from kn_servicekit.deadletter import Origin
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.projection import Cutoff
from kn_servicekit.provenance import Provenance
from kn_servicekit.shares import Place

FETCH_BYTES = 2 * 1024 * 1024  # per partition and fetch: a fetch held in memory stays small
BATCH = 4_000  # records decoded at a time


@dataclass
class Part:
    """What one reader found: its buckets' files, the GLOBAL facts, its counts. Plain
    data, so it crosses from a worker process."""

    paths: list[Path]
    shared: list[Fact] = field(default_factory=list)
    read: int = 0
    left_out: int = 0  # unreadable, or not written by the topic's owner
    repeated: int = 0


async def read_share(
    kafka: KafkaAccess,
    as_of: AsOf,
    topics: list[str],
    share: list[Place],
    buckets: int,
    directory: Path,
    tick: Callable[[int], None],
) -> Part:
    """Read the share's partitions from offset 0 to their ends; spill what is admitted."""
    events, provenance = catalog(), Provenance(topics)
    cutoff = Cutoff(as_of.day, "effective" if as_of.by == "effective_date" else "recorded")
    highs: dict[LogKey, int] = {}
    claimed: set[Claim] = set()  # events without a log position (none from our relays)
    lettered: set[Origin] = set()  # places left out: a redriven copy of one is applied
    spill = Spill(directory, buckets)
    found = Part([])
    ends = {TopicPartition(topic, partition): end for topic, partition, end in share if end}
    consumer = AIOKafkaConsumer(
        **kafka_options(kafka),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=FETCH_BYTES,
        fetch_max_bytes=4 * FETCH_BYTES,
    )
    await consumer.start()
    try:
        consumer.assign(list(ends))
        await consumer.seek_to_beginning(*ends)
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
            verdicts = admit(batch.deliveries, Stored(highs, claimed, held), batch.redriven)
            highs.update(verdicts.raised)
            for delivery, record, verdict in zip(
                batch.deliveries, batch.records, verdicts.verdicts, strict=True
            ):
                if verdict is not Verdict.APPLY:
                    found.repeated += 1
                    continue
                envelope = delivery.envelope
                claim = None
                if envelope.sequence is None or envelope.log is None:
                    claim = (envelope.source, envelope.id)
                    claimed.add(claim)
                spill.take(delivery.event, envelope.type, record.value, claim)
            spill.flush()
            tick(read)
    finally:
        await consumer.stop()
    found.paths, found.shared = spill.close(), spill.shared
    return found
