"""The audit's second pass: each bucket of spilled facts folded with the facts every
network shares, each network's figures written, and the document put together in network
order (why it is done a bucket at a time: kn_deploy.audit_spill)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kn_contracts.topics import catalog
from kn_deploy.audit_spill import CLAIMED, facts_in
from kn_rules.audit import (
    AsOf,
    add_totals,
    framed,
    network_differences,
    network_figures,
    piece,
)
from kn_rules.audit_ledger import EVENT, Fact, Ledger
from kn_rules.canonical import canonical
from kn_rules.scheme import Scheme


def fold_into(ledger: Ledger, facts: Iterable[Fact]) -> Ledger:
    """Fold spilled facts: a whole event decoded again with the catalog (its body passed
    the CPR look when it was read), a claimed one only the first time its claim comes."""
    events, claims = catalog(), set()
    for fact in facts:
        if fact[0] == CLAIMED:
            if fact[1] in claims:
                continue
            claims.add(fact[1])
            fact = fact[2]
        if fact[0] == EVENT:
            ledger.apply(events.decode_again(fact[1], fact[2]))
        else:
            ledger.fold(fact)
    return ledger


@dataclass
class Folded:
    """One bucket's figures: each network's canonical piece in a file, the place of each,
    the bucket's part of the national totals, and the differences by network."""

    path: Path
    at: dict[str, tuple[int, int]] = field(default_factory=dict)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def fold_bucket(
    paths: list[Path], shared: list[Fact], scheme: Scheme, as_of: AsOf, out: Path
) -> Folded:
    """Fold one bucket (its files from every reader, in order) with the shared facts and
    write its networks' figures to `out`."""
    common = fold_into(Ledger(scheme), shared)
    ledger = Ledger(scheme, rates=common.rates, closed=common.closed)
    fold_into(ledger, (fact for path in paths for fact in facts_in(path)))
    folded = Folded(out)
    with out.open("wb") as file:
        for network_id in ledger.network_ids():
            years = network_figures(ledger, network_id, as_of)
            if years:
                text = piece(years)
                folded.at[network_id] = (file.tell(), len(text))
                file.write(text)
                add_totals(folded.totals, years)
                folded.differences[network_id] = network_differences(ledger, network_id, years)
    return folded


@dataclass
class Written:
    """The figures as written: their digest and length, their networks, the differences."""

    digest: str
    size: int
    networks: int
    differences: list[dict[str, Any]]


Folder = Callable[[list[list[Path]], list[Fact], Scheme, AsOf, Path], list[Folded]]


def fold_here(
    buckets: list[list[Path]], shared: list[Fact], scheme: Scheme, as_of: AsOf, work: Path
) -> list[Folded]:
    """Every bucket folded in this process, one after the other."""
    return [
        fold_bucket(paths, shared, scheme, as_of, work / f"figures-{n}")
        for n, paths in enumerate(buckets)
    ]


def write_figures(
    buckets: list[list[Path]],
    shared: list[Fact],
    scheme: Scheme,
    as_of: AsOf,
    out: BinaryIO,
    work: Path,
    fold: Folder = fold_here,
) -> Written:
    """Pass two: fold each bucket with the shared facts (`fold`: here, or in workers),
    then write the document in network order to `out`."""
    folded = fold(buckets, shared, scheme, as_of, work)
    totals: dict[str, dict[str, int]] = {}
    for part in folded:
        for year, total in part.totals.items():
            into = totals.setdefault(year, dict.fromkeys(total, 0))
            for name, value in total.items():
                into[name] += value
    place = {network: (part, at) for part in folded for network, at in part.at.items()}
    head, tail = framed(as_of, scheme, totals)
    digest, size = hashlib.sha256(), 0
    files: dict[Path, BinaryIO] = {part.path: part.path.open("rb") for part in folded}
    try:
        for chunk in _document(head, tail, place, files):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    finally:
        for file in files.values():
            file.close()
        for part in folded:
            part.path.unlink()
    differences = {n: d for part in folded for n, d in part.differences.items()}
    found = [d for network in sorted(differences) for d in differences[network]]
    return Written(digest.hexdigest(), size, len(place), found)


def _document(
    head: bytes,
    tail: bytes,
    place: dict[str, tuple[Folded, tuple[int, int]]],
    files: dict[Path, BinaryIO],
) -> Iterator[bytes]:
    """head, each network's `"id":figures` in id order, tail."""
    yield head
    for n, network_id in enumerate(sorted(place)):
        part, (offset, length) = place[network_id]
        file = files[part.path]
        file.seek(offset)
        yield (b"," if n else b"") + canonical(network_id) + b":" + file.read(length)
    yield tail
