"""Admission: which consumed deliveries a projection applies, decided from what it stored.

A repeat is skipped whatever its offset. Each delivery is admitted one of three ways:
- a relayed event carries its event log and position (ce_knlog, ce_sequence). A relay
  publishes each log in position order and repeats only a tail it had published, so on one
  partition a position at or below the highest applied from that log (its high-water mark,
  kn_sequences) is a repeat. One mark per (log, topic, partition), not a row per event: this
  is what lets a rebuild run near the speed of reading Kafka.
- any other CloudEvent (a region system's, a hand-made one) is claimed by (ce_source,
  ce_id): applied if no earlier delivery had the pair (kn_seen).
- a redriven dead letter (kn_origin header) is applied only by a projection holding that
  letter (kn_lettered), once; every other projection applied it or lettered it itself.

Pure: the store (admission_store.py) reads what `lookups` names and `admit` decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from enum import Enum

from kn_servicekit.deadletter import Origin
from kn_servicekit.projection import Delivery

LogKey = tuple[str, str, int]  # event log, topic, partition: one high-water mark each
Claim = tuple[str, str]  # ce_source, ce_id of a CloudEvent that carries no log position
Place = tuple[str, int, int]  # topic, partition, offset of a delivery (a copy, if redriven)

NO_REDRIVES: Mapping[Place, Origin] = {}


class Verdict(Enum):
    """What admission says of one delivery."""

    APPLY = "apply: new to this projection"
    REPEATED_POSITION = "skip: at or below its log's high-water mark on this partition"
    REPEATED_ID = "skip: its (ce_source, ce_id) was claimed before"
    NOT_HELD = "skip: a redrive of a letter this projection does not hold"


@dataclass(frozen=True)
class Lookups:
    """What admission needs to know from the store about one batch."""

    logs: Set[LogKey] = frozenset()
    claims: Set[Claim] = frozenset()
    letters: Set[Origin] = frozenset()


@dataclass(frozen=True)
class Stored:
    """What the store held before this batch, for the batch's lookups."""

    highs: Mapping[LogKey, int] = field(default_factory=dict)  # absent: nothing applied yet
    claimed: Set[Claim] = frozenset()
    held: Set[Origin] = frozenset()


@dataclass(frozen=True)
class Admission:
    """One verdict per delivery, in order, and the high-water marks the batch raised."""

    verdicts: list[Verdict]
    raised: dict[LogKey, int]


def lookups(
    deliveries: Sequence[Delivery], redriven: Mapping[Place, Origin] = NO_REDRIVES
) -> Lookups:
    """The marks, claims and held letters `admit` will judge these deliveries by."""
    logs: set[LogKey] = set()
    claims: set[Claim] = set()
    for delivery in deliveries:
        if redriven and (delivery.topic, delivery.partition, delivery.offset) in redriven:
            continue
        envelope = delivery.envelope
        if envelope.sequence is not None and envelope.log is not None:
            logs.add((envelope.log, delivery.topic, delivery.partition))
        else:
            claims.add((envelope.source, envelope.id))
    return Lookups(logs, claims, set(redriven.values()))


def admit(
    deliveries: Sequence[Delivery],
    stored: Stored,
    redriven: Mapping[Place, Origin] = NO_REDRIVES,
) -> Admission:
    """Judge each delivery against what was stored and what came before it in the batch.

    `redriven` names the deliveries that are redriven copies (by their own place) and the
    place each letter was first published (its kn_origin).
    """
    highs = dict(stored.highs)
    claimed: set[Claim] = set()
    held = set(stored.held)
    verdicts: list[Verdict] = []
    append = verdicts.append
    for delivery in deliveries:
        topic, partition = delivery.topic, delivery.partition
        origin = redriven.get((topic, partition, delivery.offset)) if redriven else None
        if origin is not None:
            if origin in held:
                held.discard(origin)  # two copies of one redrive: the first is applied
                append(Verdict.APPLY)
            else:
                append(Verdict.NOT_HELD)
            continue
        envelope = delivery.envelope
        sequence = envelope.sequence
        if sequence is not None and envelope.log is not None:
            key = (envelope.log, topic, partition)
            if sequence > highs.get(key, -1):
                highs[key] = sequence
                append(Verdict.APPLY)
            else:
                append(Verdict.REPEATED_POSITION)
            continue
        claim = (envelope.source, envelope.id)
        if claim in stored.claimed or claim in claimed:
            append(Verdict.REPEATED_ID)
        else:
            claimed.add(claim)
            append(Verdict.APPLY)
    raised = {key: high for key, high in highs.items() if high > stored.highs.get(key, -1)}
    return Admission(verdicts, raised)
