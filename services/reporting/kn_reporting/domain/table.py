"""The national overview as one table with Danish headers, for the CSV and XLSX exports:
the rows the viewer may see, hidden figures said so, amounts in kroner."""

from __future__ import annotations

from decimal import Decimal

from kn_contracts.money import kroner_decimal
from kn_reporting.domain.overview import Compared, NetworkRow, Overview
from kn_reporting.domain.quartiles import Quartile, Quartiles

Cell = str | int | float | Decimal | None
HEADERS = (
    "Klynge",
    "Netværk",
    "Antal netværk",
    "Medlemmer 31. december",
    "Møder afholdt",
    "Fremmøde (%)",
    "Obligatorisk emne dækket (netværk)",
    "Puljeforbrug (kr)",
    "Puljeramme (kr)",
    "Koordinatorhonorar (kr)",
    "Årlig status",
)
STATUS = {"not_submitted": "ikke indsendt", "submitted": "indsendt", "acknowledged": "kvitteret"}
QUARTILES = (("1. kvartil", "q1"), ("Median", "median"), ("3. kvartil", "q3"))


def table(view: Overview) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Headers and rows of the overview as the viewer sees it."""
    rows: list[tuple[Cell, ...]] = []
    hidden = f"skjult: færre end {view.min_clinics} klinikker"
    if view.own_network is not None:
        rows.append(_network(view.own_network, "", hidden))
    for cluster in view.clusters:
        rows += [_network(r, cluster.name, hidden) for r in cluster.networks]
        label = f"I alt ({cluster.hidden_networks} skjult)" if cluster.hidden_networks else "I alt"
        rows.append(_figures(cluster.name, label, cluster.totals, "", hidden))
    if view.clusters:
        rows.append(_figures("Hele landet", "I alt", view.national, "", hidden))
    label = "Andre netværk" if view.own_network is not None else "Alle viste netværk"
    rows += _quartiles(label, view.quartiles, view.quartiles_hidden)
    return HEADERS, rows


def _network(row: NetworkRow, cluster: str, hidden: str) -> tuple[Cell, ...]:
    status = STATUS[row.annual_status] + (" (for sent)" if row.overdue else "")
    return _figures(cluster or row.cluster_id, row.name, row.figures, status, hidden)


def _figures(
    cluster: str, name: str, f: Compared | None, status: str, hidden: str
) -> tuple[Cell, ...]:
    if f is None:
        return (cluster, name, None, hidden, None, None, None, None, None, None, status)
    covered = f"{f.mandatory_topic_covered} af {f.networks}"
    return (
        cluster,
        name,
        f.networks,
        f.members,
        f.meetings_held,
        f.attendance_rate,
        covered,
        _kr(f.pool_used),
        _kr(f.pool_entitlement),
        _kr(f.fees),
        status,
    )


def _quartiles(label: str, q: Quartiles | None, why: str | None) -> list[tuple[Cell, ...]]:
    if q is None:
        return [(label, "Kvartiler", None, f"ikke vist: {why}", *([None] * 7))]
    rows: list[tuple[Cell, ...]] = []
    for title, field in QUARTILES:

        def at(x: Quartile | None, field: str = field) -> float | None:
            return None if x is None else float(getattr(x, field))

        pool, fees = at(q.pool_used), at(q.fees)
        rows.append(
            (
                label,
                title,
                q.networks,
                at(q.members),
                at(q.meetings_held),
                at(q.attendance_rate),
                f"{q.mandatory_topic_covered_percent} %",
                _kr(None if pool is None else round(pool)),
                None,
                _kr(None if fees is None else round(fees)),
                None,
            )
        )
    return rows


def _kr(amount: int | None) -> Decimal | None:
    return None if amount is None else kroner_decimal(amount)
