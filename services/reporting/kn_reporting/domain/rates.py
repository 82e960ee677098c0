"""A year's coordinator fee from EKM's rate tables (DOMAIN Pool payouts 5): the highest
revision of the year's table, as amounts or as an index factor on a base year's table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events.finance import RateTablePublished
from kn_contracts.money import scale_half_up


@dataclass(frozen=True)
class YearlyFee:
    """The fee for twelve months of `year`, in øre, and the table it came from."""

    amount: int
    scheme: str
    revision: int


def tables(events: Iterable[Event]) -> dict[tuple[str, int], RateTablePublished]:
    """The highest revision of each scheme's table per year."""
    found: dict[tuple[str, int], RateTablePublished] = {}
    for event in events:
        if isinstance(event, RateTablePublished):
            key = (event.scheme, event.year)
            if key not in found or found[key].revision <= event.revision:
                found[key] = event
    return found


def yearly_fee(events: Iterable[Event], year: int, scheme: str | None) -> YearlyFee | str:
    """The year's fee, or why it cannot be given (a year without a table is said so, never
    a silent default: Pool payouts 5)."""
    known = tables(events)
    schemes = sorted(s for s, y in known if y == year)
    if scheme is None:
        if len(schemes) > 1:
            return (
                f"rate tables of several schemes for {year} ({', '.join(schemes)}): set "
                "KN_REPORTING_RATE_SCHEME to the one this report follows"
            )
        scheme = schemes[0] if schemes else None
    if scheme is None or (scheme, year) not in known:
        return f"EKM has published no rate table for {year} yet (Pool payouts 5)"
    amount = _fee(known, scheme, year, ())
    if isinstance(amount, str):
        return amount
    return YearlyFee(amount, scheme, known[(scheme, year)].revision)


def _fee(
    known: dict[tuple[str, int], RateTablePublished], scheme: str, year: int, seen: tuple[int, ...]
) -> int | str:
    table = known.get((scheme, year))
    if table is None:
        return f"the {scheme} table for {seen[-1]} indexes the {year} table, which is missing"
    if table.amounts is not None:
        return table.amounts.coordinator_fee
    base = table.index_base_year
    if table.index_factor is None or base is None or base in (*seen, year):
        return f"the {scheme} table for {year} has no usable index base"
    amount = _fee(known, scheme, base, (*seen, year))
    return amount if isinstance(amount, str) else scale_half_up(amount, table.index_factor)
