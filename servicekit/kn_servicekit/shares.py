"""Partitions shared out among worker processes: whole partitions, the longest first to the
least loaded share. The audit's readers and a rebuild's workers split a log this way."""

from __future__ import annotations

Place = tuple[str, int, int]  # topic, partition, end offset when the read began


def shares(places: list[Place], workers: int) -> list[list[Place]]:
    """`places` split into at most `workers` shares of about equal length (none empty)."""
    loads = [0] * max(1, workers)
    split: list[list[Place]] = [[] for _ in loads]
    for place in sorted(places, key=lambda p: (-p[2], p[0], p[1])):
        least = loads.index(min(loads))
        split[least].append(place)
        loads[least] += place[2]
    return [sorted(share) for share in split if share]
