"""The audit's memory bound: facts spilled to disk by network, folded a bucket at a time,
and the figures written network by network (kn_deploy.audit).

What must stay, and why nothing is folded early. A network-year's figures cannot be closed
when its year ends, nor when EKM closes the fee year: a fact may come at any later time
and change them (a corrected attendance list, Meetings 10; a rate-table revision, an EKM
override, a restated coordinator history, Pool payouts 8 and Coordinator 7), and an
invoice is decided against every earlier invoice of its account, of any year (Pool payouts
3, 7: the same supplier invoice twice). What the rules decide on together is one network:
its meetings, lists, coordinator history and pool account, plus the rate tables and the
closed years every network shares. So the replay keeps in memory only those shared facts
(a few per year), the place of each network's bucket and of its written figures (one entry
a network), and the log positions admission needs; every other fact goes, as it is
admitted and in the order admitted, to its network's bucket on disk (marshal, a list per
fetch). When the log is read, each bucket is folded alone with the shared facts, which
gives each network the same facts in the same order as one fold of everything would, so
the figures are the same; each network's canonical figures go to disk, and the document
is written from them in network order (its canonical JSON: kn_rules.audit.framed). Peak
memory is one bucket's fold: buckets are as many as the log needs for each to hold about
BUCKET_FACTS facts (up to MAX_BUCKETS open files). The disk it takes meanwhile, in a
temporary folder: about 150 bytes a message (42 MB for a quarter of the national log of
benchmarks/audit_replay.py), and the figures' own JSON.
"""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kn_contracts.base import Event
from kn_contracts.topics import catalog
from kn_rules.audit import (
    AsOf,
    add_totals,
    framed,
    network_differences,
    network_figures,
    piece,
)
from kn_rules.audit_ledger import EVENT, GLOBAL, Fact, Ledger, fact_of
from kn_rules.canonical import canonical

BUCKET_FACTS = 60_000  # a bucket's fold: about 50 MB (measured, 55,000 messages a bucket)
MAX_BUCKETS = 500  # open files; past 30 million facts the buckets grow instead


class Spill:
    """Facts on disk in buckets by network; the facts of a fetch are added together."""

    def __init__(self, directory: Path, facts: int) -> None:
        self.count = min(MAX_BUCKETS, max(1, -(-facts // BUCKET_FACTS)))
        self._paths = [directory / f"bucket-{n}" for n in range(self.count)]
        self._files = [path.open("wb") for path in self._paths]
        self._bucket_of: dict[str, int] = {}
        self._pending: list[list[Fact]] = [[] for _ in range(self.count)]

    def take(self, event: Event, ce_type: str, body: bytes, shared: Ledger) -> None:
        """An admitted event: a GLOBAL fact to the shared ledger, a network's to its bucket
        (an event the rules take whole goes as its message's own body)."""
        found = fact_of(event)
        if found is None:
            return
        scope, fact = found
        if scope == GLOBAL:
            shared.fold(fact)
            return
        bucket = self._bucket_of.get(scope)
        if bucket is None:
            bucket = self._bucket_of[scope] = zlib.crc32(scope.encode()) % self.count
        self._pending[bucket].append((EVENT, ce_type, body) if fact[0] == EVENT else fact)

    def flush(self) -> None:
        """Write what was added since the last flush (once a fetch is applied)."""
        for file, pending in zip(self._files, self._pending, strict=True):
            if pending:
                chunk = marshal.dumps(pending)
                file.write(len(chunk).to_bytes(8, "little") + chunk)
                pending.clear()

    def buckets(self) -> Iterator[Iterator[Fact]]:
        """Each bucket's facts in the order they were added (the spill is then read)."""
        self.flush()
        for file in self._files:
            file.close()
        for path in self._paths:
            yield _facts(path)


def _facts(path: Path) -> Iterator[Fact]:
    with path.open("rb") as file:
        while size := int.from_bytes(file.read(8), "little"):
            # our own file, in a folder only this user reads (TemporaryDirectory: 0700)
            yield from marshal.loads(file.read(size))  # noqa: S302
    path.unlink()


class Pieces:
    """Each network's canonical figures on disk, written out in network order."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = path.open("w+b")
        self._at: dict[str, tuple[int, int]] = {}

    def put(self, network_id: str, piece: bytes) -> None:
        self._at[network_id] = (self._file.tell(), len(piece))
        self._file.write(piece)

    def __len__(self) -> int:
        return len(self._at)

    def write(self, out: BinaryIO, head: bytes, tail: bytes) -> tuple[str, int]:
        """The document: head, each network's `"id":figures` in id order, tail; its SHA-256
        (hex) and length in bytes."""
        digest, size = hashlib.sha256(), 0

        def put(data: bytes) -> None:
            nonlocal size
            out.write(data)
            digest.update(data)
            size += len(data)

        put(head)
        self._file.flush()
        for n, network_id in enumerate(sorted(self._at)):
            offset, length = self._at[network_id]
            self._file.seek(offset)
            put((b"," if n else b"") + canonical(network_id) + b":" + self._file.read(length))
        put(tail)
        self._file.close()
        self._path.unlink()
        return digest.hexdigest(), size


@dataclass
class Written:
    """The figures as written: their digest and length, their networks, the differences."""

    digest: str
    size: int
    networks: int
    differences: list[dict[str, Any]]


def write_figures(spill: Spill, shared: Ledger, as_of: AsOf, out: BinaryIO, work: Path) -> Written:
    """Pass two: fold each bucket with the shared facts, write every network's figures,
    then the document in network order to `out`."""
    scheme, events = shared.scheme, catalog()
    pieces = Pieces(work / "figures")
    totals: dict[str, dict[str, int]] = {}
    differences: dict[str, list[dict[str, Any]]] = {}
    for facts in spill.buckets():
        ledger = Ledger(scheme, rates=shared.rates, closed=shared.closed)
        for fact in facts:
            if fact[0] == EVENT:
                ledger.apply(events.decode(fact[1], fact[2]))
            else:
                ledger.fold(fact)
        for network_id in ledger.network_ids():
            years = network_figures(ledger, network_id, as_of)
            if years:
                pieces.put(network_id, piece(years))
                add_totals(totals, years)
                differences[network_id] = network_differences(ledger, network_id, years)
    networks = len(pieces)
    digest, size = pieces.write(out, *framed(as_of, scheme, totals))
    found = [d for network in sorted(differences) for d in differences[network]]
    return Written(digest, size, networks, found)
