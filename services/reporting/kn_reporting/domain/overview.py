"""The national overview per cluster and network, under the anonymity policy (DOMAIN
"Annual status": no clinic or person is named outside its network, and no figure drawn
from fewer than 5 clinics is shown). A coordinator sees their own network beside quartiles
of the others; EKM and auditors see every network that may be shown, and totals of those."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from kn_reporting.domain import figures as f
from kn_reporting.domain.quartiles import Quartiles, quartiles
from kn_reporting.domain.submission import Submission


class Reported(Protocol):
    """A network's year as the overview compares it (an AnnualStatus is one)."""

    @property
    def figures(self) -> f.Figures: ...

    @property
    def submission(self) -> Submission: ...


@dataclass(frozen=True)
class NetworkYear:
    """A network's figures and filing, without the status's digest and flags."""

    figures: f.Figures
    submission: Submission


@dataclass(frozen=True)
class Compared:
    """The compared figures of one network, or the sum over several (`networks`)."""

    networks: int
    members: int
    meetings_held: int
    attendances: int
    possible_attendances: int
    attendance_rate: float | None  # per cent, one decimal
    mandatory_topic_covered: int  # networks whose held meetings covered it
    pool_used: int | None  # øre; None while finance published nothing
    pool_entitlement: int | None
    fees: int | None


@dataclass(frozen=True)
class NetworkRow:
    network_id: str
    name: str
    cluster_id: str
    figures: Compared | None  # None: hidden
    hidden: str | None  # why
    annual_status: str  # not_submitted, submitted, acknowledged
    overdue: bool


@dataclass(frozen=True)
class ClusterRow:
    cluster_id: str
    name: str
    networks: tuple[NetworkRow, ...]
    totals: Compared | None  # over the networks shown only, so none can be had by difference
    hidden_networks: int


@dataclass(frozen=True)
class Overview:
    year: int
    viewer: str
    min_clinics: int
    min_networks: int  # the fewest other networks quartiles are drawn from
    clusters: tuple[ClusterRow, ...]  # EKM and auditors
    national: Compared | None
    own_network: NetworkRow | None  # a coordinator's
    quartiles: Quartiles | None  # of the networks that may be shown (a coordinator's: others)
    quartiles_hidden: str | None


def overview(
    statuses: Sequence[Reported],
    year: int,
    viewer: str,
    own: str | None,
    min_clinics: int,
    min_networks: int,
) -> Overview:
    """The overview of `year` as `viewer` may see it (`own`: a coordinator's network)."""
    rows = {s.figures.network.network_id: _row(s, min_clinics) for s in statuses}
    if own is not None:
        mine = next(s for s in statuses if s.figures.network.network_id == own)
        others = [r for n, r in rows.items() if n != own]
        q, why = quartiles([r.figures for r in others if r.figures], min_networks)
        full = _row(mine, 0)  # a network sees all of its own figures
        return Overview(year, viewer, min_clinics, min_networks, (), None, full, q, why)
    clusters: dict[str, list[Reported]] = {}
    for s in statuses:
        clusters.setdefault(s.figures.network.cluster_id, []).append(s)
    out = []
    for cluster_id, members in sorted(clusters.items()):
        network_rows = tuple(
            sorted(
                (rows[s.figures.network.network_id] for s in members),
                key=lambda r: r.name.casefold(),
            )
        )
        shown = [r.figures for r in network_rows if r.figures]
        name = members[0].figures.network.cluster_name
        hidden = len(network_rows) - len(shown)
        out.append(ClusterRow(cluster_id, name, network_rows, total(shown), hidden))
    every = [r.figures for r in rows.values() if r.figures]
    q, why = quartiles(every, min_networks)
    return Overview(year, viewer, min_clinics, min_networks, tuple(out), total(every), None, q, why)


def _row(status: Reported, min_clinics: int) -> NetworkRow:
    y, n = status.figures, status.figures.network
    hidden = None
    if y.clinics < min_clinics:
        hidden = f"drawn from {y.clinics} clinic(s), fewer than {min_clinics}: not shown"
    money = y.money
    figures = Compared(
        networks=1,
        members=y.members.on_31_december,
        meetings_held=y.meeting_count.held,
        attendances=y.attendances,
        possible_attendances=y.possible_attendances,
        attendance_rate=rate(y.attendances, y.possible_attendances),
        mandatory_topic_covered=1 if y.mandatory_topic.status == "covered" else 0,
        pool_used=money.pool_used if money.available else None,
        pool_entitlement=money.pool_entitlement if money.available else None,
        fees=money.fee.total if money.fee.status != "not_available" else None,
    )
    sub = status.submission
    return NetworkRow(
        n.network_id,
        n.name,
        n.cluster_id,
        None if hidden else figures,
        hidden,
        sub.status,
        sub.overdue,
    )


def total(rows: Sequence[Compared]) -> Compared | None:
    """The sum of the shown networks' figures (None when none may be shown)."""
    if not rows:
        return None
    attended = sum(r.attendances for r in rows)
    possible = sum(r.possible_attendances for r in rows)
    return Compared(
        networks=sum(r.networks for r in rows),
        members=sum(r.members for r in rows),
        meetings_held=sum(r.meetings_held for r in rows),
        attendances=attended,
        possible_attendances=possible,
        attendance_rate=rate(attended, possible),
        mandatory_topic_covered=sum(r.mandatory_topic_covered for r in rows),
        pool_used=_sum([r.pool_used for r in rows]),
        pool_entitlement=_sum([r.pool_entitlement for r in rows]),
        fees=_sum([r.fees for r in rows]),
    )


def rate(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent, one decimal, half up."""
    if whole == 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
