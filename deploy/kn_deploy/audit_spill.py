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
BUCKET_FACTS facts (up to MAX_BUCKETS open files), a multiple of the workers. The disk
it takes meanwhile, in a temporary folder: about 150 bytes a message (42 MB for a quarter
of the national log of benchmarks/audit_replay.py), and the figures' own JSON.

Several readers (kn_deploy.audit_read, one per share of the partitions) each spill to
their own files, with the same buckets; a bucket's facts are then its files one after the
other. Each partition is one reader's, in its order, and the figures do not depend on how
the partitions' facts interleave (tests/finance/test_audit_figures.py interleaves them at
random), so the figures are the same bytes whatever the number of readers or folders.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from kn_contracts.base import Event
from kn_rules.audit_ledger import EVENT, GLOBAL, Fact, fact_of

BUCKET_FACTS = 60_000  # a bucket's fold: about 50 MB (measured, 55,000 messages a bucket)
MAX_BUCKETS = 500  # open files; past 30 million facts the buckets grow instead
CLAIMED: Final = "claimed"  # a fact of an event without a log position: claim, then fact

Claim = tuple[str, str]  # ce_source, ce_id


def bucket_count(facts: int, folders: int = 1) -> int:
    """How many buckets a log of `facts` messages is spilled into: a multiple of the
    folders (each folds as many; with 19 buckets for 2, one of them folded the last alone
    while the other waited, 0.5 s at national scale), up to MAX_BUCKETS."""
    needed = max(folders, -(-facts // BUCKET_FACTS))
    return min(MAX_BUCKETS, -(-needed // folders) * folders)


class Spill:
    """Facts on disk in buckets by network; the facts of a fetch are added together. The
    GLOBAL facts stay in `shared`, as plain data (a whole event as its message's body)."""

    def __init__(self, directory: Path, count: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.count = count
        self.shared: list[Fact] = []
        self._paths = [directory / f"bucket-{n}" for n in range(count)]
        self._files = [path.open("wb") for path in self._paths]
        self._bucket_of: dict[str, int] = {}
        self._pending: list[list[Fact]] = [[] for _ in range(count)]

    def take(self, event: Event, ce_type: str, body: bytes, claim: Claim | None = None) -> None:
        """An admitted event: its fact to its network's bucket or to the shared facts (an
        event the rules take whole goes as its message's own body); an event claimed by
        (ce_source, ce_id) goes with its claim, so a folder takes it once."""
        found = fact_of(event)
        if found is None:
            return
        scope, fact = found
        if fact[0] == EVENT:
            fact = (EVENT, ce_type, body)
        if claim is not None:
            fact = (CLAIMED, claim, fact)
        if scope == GLOBAL:
            self.shared.append(fact)
            return
        bucket = self._bucket_of.get(scope)
        if bucket is None:
            bucket = self._bucket_of[scope] = zlib.crc32(scope.encode()) % self.count
        self._pending[bucket].append(fact)

    def flush(self) -> None:
        """Write what was added since the last flush (once a fetch is applied)."""
        for file, pending in zip(self._files, self._pending, strict=True):
            if pending:
                chunk = marshal.dumps(pending)
                file.write(len(chunk).to_bytes(8, "little") + chunk)
                pending.clear()

    def close(self) -> list[Path]:
        """The buckets' files, written out."""
        self.flush()
        for file in self._files:
            file.close()
        return self._paths


def facts_in(path: Path) -> Iterator[Fact]:
    with path.open("rb") as file:
        while size := int.from_bytes(file.read(8), "little"):
            # our own file, in a folder only this user reads (TemporaryDirectory: 0700)
            yield from marshal.loads(file.read(size))  # noqa: S302
    path.unlink()
