"""Quartiles of networks' figures: anonymous only when drawn from enough networks, each of
which may be shown itself (DOMAIN "Annual status", anonymity)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kn_reporting.domain.overview import Compared


@dataclass(frozen=True)
class Quartile:
    """First quartile, median and third quartile (no minimum or maximum: those would be
    one network's own figure)."""

    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Quartiles:
    networks: int
    members: Quartile
    meetings_held: Quartile
    attendance_rate: Quartile | None
    mandatory_topic_covered_percent: float
    pool_used: Quartile | None  # øre
    fees: Quartile | None  # øre


def quartiles(rows: Sequence[Compared], min_networks: int) -> tuple[Quartiles | None, str | None]:
    """Quartiles over the networks' figures, or why they are not shown."""
    if len(rows) < max(min_networks, 2):
        return None, (
            f"quartiles need at least {max(min_networks, 2)} other networks that "
            f"may be shown; there are {len(rows)}"
        )
    covered = sum(r.mandatory_topic_covered for r in rows)
    return Quartiles(
        networks=len(rows),
        members=_of([r.members for r in rows]),
        meetings_held=_of([r.meetings_held for r in rows]),
        attendance_rate=_maybe([r.attendance_rate for r in rows], min_networks),
        mandatory_topic_covered_percent=round(100 * covered / len(rows), 1),
        pool_used=_maybe([r.pool_used for r in rows], min_networks),
        fees=_maybe([r.fees for r in rows], min_networks),
    ), None


def _of(values: Sequence[float]) -> Quartile:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Quartile(round(q1, 1), round(median, 1), round(q3, 1))


def _maybe(values: Sequence[float | None], min_networks: int) -> Quartile | None:
    known = [v for v in values if v is not None]
    return _of(known) if len(known) >= max(min_networks, 2) else None
