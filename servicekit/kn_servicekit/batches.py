"""A batch: one fetch decoded (on the reader's side), then written in one transaction.

In the transaction: admit each delivery once (admission.py judges, admission_store.py reads
and records), apply the new events, dead-letter what fails, and move the stored offsets
past the batch. Rows and offsets commit together, so a crash anywhere resumes exactly after
the last commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from kn_contracts.catalog import Catalog
from kn_contracts.envelope import decode
from kn_contracts.errors import ContractError
from kn_servicekit import admission_store as store
from kn_servicekit import trace
from kn_servicekit.admission import Admission, LogKey, Place, Verdict, admit, lookups
from kn_servicekit.db import Connection
from kn_servicekit.deadletter import (
    DeadLetters,
    Letter,
    MalformedOrigin,
    Origin,
    is_redriven,
    letter_of,
    origin_of,
)
from kn_servicekit.projection import Cutoff, Delivery, Projection
from kn_servicekit.provenance import Provenance

log = structlog.get_logger("projection")

_delivery = tuple.__new__


@dataclass
class Batch:
    """One fetch, decoded: what to apply, what to dead-letter, where the offsets go next."""

    next_offsets: dict[TopicPartition, int]
    consumed: int
    records: list[ConsumerRecord] = field(default_factory=list)  # as they came, for letters
    deliveries: list[Delivery] = field(default_factory=list)  # one per record above
    redriven: dict[Place, Origin] = field(default_factory=dict)  # redriven copies: kn_origin
    letters: list[Letter] = field(default_factory=list)


def decode_batch(
    fetched: dict[TopicPartition, list[ConsumerRecord]],
    catalog: Catalog,
    cutoff: Cutoff | None,
    provenance: Provenance | None = None,
) -> Batch:
    """Decode a fetch; what cannot be decoded, or was not written by its topic's owner,
    becomes a letter; what the cutoff excludes is only passed over."""
    batch = Batch(
        next_offsets={tp: records[-1].offset + 1 for tp, records in fetched.items()},
        consumed=sum(len(records) for records in fetched.values()),
    )
    records, deliveries = batch.records, batch.deliveries
    for tp, chunk in fetched.items():
        topic, partition = tp.topic, tp.partition
        for record in chunk:
            try:
                envelope, event = decode(record.headers, record.value, catalog)
            except ContractError as exc:
                batch.letters.append(letter_of(record, f"contract: {exc}"))
                continue
            except Exception as exc:  # an upcaster bug, a header without a value
                batch.letters.append(letter_of(record, f"decode: {type(exc).__name__}: {exc}"))
                continue
            refused = provenance.refusal(topic, envelope, event) if provenance else None
            if refused is not None:
                batch.letters.append(letter_of(record, f"provenance: {refused}"))
                continue
            # built as a plain tuple: the NamedTuple constructor costs twice as much
            delivery = _delivery(Delivery, (topic, partition, record.offset, envelope, event))
            if cutoff is None or cutoff.admits(delivery):
                if is_redriven(record.headers):
                    try:
                        batch.redriven[(topic, partition, record.offset)] = origin_of(record)
                    except MalformedOrigin as exc:
                        batch.letters.append(letter_of(record, f"redrive: {exc}"))
                        continue
                records.append(record)
                deliveries.append(delivery)
    return batch


class BatchWriter:
    """Writes batches for one projection; counts what it applied."""

    def __init__(
        self,
        projection: Projection,
        dead_letters: DeadLetters,
        passes: Callable[[BaseException], bool],
    ) -> None:
        self._projection = projection
        self._dead_letters = dead_letters
        self._passes = passes  # a failure that passes is the caller's to retry
        self.applied = 0
        self.lettered = 0  # letters sent (a batch that rolls back and is retried counts again)

    async def write(self, conn: Connection, batch: Batch) -> None:
        """Apply a batch in one transaction; a failing handler sends the batch the slow way."""
        try:
            async with conn.transaction():
                admission = await self._admit(conn, batch)
                verdicts = zip(batch.deliveries, admission.verdicts, strict=True)
                fresh = [delivery for delivery, v in verdicts if v is Verdict.APPLY]
                with trace.handling(fresh) as handled:  # a batch of one: in its trace
                    await self._projection.apply(conn, fresh)
                await self._finish(conn, batch, admission.raised, batch.letters)
            self.applied += len(fresh)
            trace.applied(self._projection.name, fresh, handled)  # committed: say so
            return
        except Exception as exc:
            if self._passes(exc):
                raise
            log.warning("projection_batch_failed_isolating", projection=self._projection.name)
        async with conn.transaction():
            admission = await self._admit(conn, batch)
            pairs = zip(batch.records, batch.deliveries, admission.verdicts, strict=True)
            one_by_one = [(record, d) for record, d, v in pairs if v is Verdict.APPLY]
            failed = await self._apply_one_by_one(conn, one_by_one)
            await self._finish(conn, batch, admission.raised, batch.letters + failed)
        self.applied += len(one_by_one) - len(failed)

    async def _admit(self, conn: Connection, batch: Batch) -> Admission:
        """Read what the batch is judged by, and judge it."""
        if not batch.deliveries:
            return Admission([], {})
        stored = await store.take(conn, lookups(batch.deliveries, batch.redriven))
        admission = admit(batch.deliveries, stored, batch.redriven)
        if batch.redriven:
            for record, verdict in zip(batch.records, admission.verdicts, strict=True):
                if verdict is Verdict.NOT_HELD:
                    log.info("redriven_message_not_ours", projection=self._projection.name,
                             origin="/".join(map(str, origin_of(record))))  # fmt: skip
        return admission

    async def _apply_one_by_one(
        self, conn: Connection, fresh: list[tuple[ConsumerRecord, Delivery]]
    ) -> list[Letter]:
        letters = []
        for record, delivery in fresh:
            try:
                async with conn.transaction():
                    with trace.handling([delivery]) as handled:
                        await self._projection.apply(conn, [delivery])
            except Exception as exc:
                if self._passes(exc):
                    raise
                letters.append(letter_of(record, f"handler: {type(exc).__name__}: {exc}"))
            else:  # its savepoint holds; the batch's commit follows
                trace.applied(self._projection.name, [delivery], handled)
        return letters

    async def _finish(
        self, conn: Connection, batch: Batch, raised: dict[LogKey, int], letters: list[Letter]
    ) -> None:
        for letter in letters:
            # sent before the commit that moves the offset past it: at worst sent twice
            await self._dead_letters.send(letter)
        self.lettered += len(letters)
        if letters:
            # held here, so a redrive of it is applied here (once) after the fix
            await store.hold(conn, [letter.origin for letter in letters])
        await store.finish(conn, batch.next_offsets, raised)
