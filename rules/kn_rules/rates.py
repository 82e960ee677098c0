"""A scheme's rate tables: the latest revision of each year, resolved to amounts in øre.

Amounts are stated at a price level, either directly or as an index factor on another
year's table (DOMAIN Pool payouts 5), rounded half up to øre; a higher revision supersedes
(rule 8 recomputes what it changes). A year without a table is an error naming the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kn_contracts.base import Event
from kn_contracts.events.finance import Basis, RateRevision, RateTablePublished
from kn_contracts.money import scale_half_up
from kn_rules.errors import RATES, Invalid, no_rate_table

MAX_INDEX_DEPTH = 10  # a table indexed on a table indexed on ... (never a loop: years fall)


@dataclass(frozen=True)
class Rates:
    """A year's resolved amounts and what counts (Pool payouts 2, 5, 6)."""

    scheme: str
    year: int
    revision: int
    pool: dict[str, int]  # tier -> øre per counted attendee per meeting; first is default
    coordinator_fee: int  # øre for twelve months
    yearly_caps: dict[str, int]  # cost kind -> øre per network and year
    counted: frozenset[str]
    basis: Basis
    price_level_year: int
    index_factor: str | None = None
    indexed_on: tuple[RateRevision, ...] = ()  # the base tables used, nearest first

    @property
    def named(self) -> str:
        """e.g. 'rate table 2025 revision 1 (indexed on 2022 revision 2)'."""
        return rates_named(self.year, self.revision, self.indexed_on)

    @property
    def default_tier(self) -> str:
        return next(iter(self.pool))


def rates_named(year: int | None, revision: int | None, chain: tuple[RateRevision, ...]) -> str:
    """A table revision as a person reads it, with the base tables an index applied to."""
    said = f"rate table {year} revision {revision}"
    if chain:
        said += f" (indexed on {', '.join(f'{r.year} revision {r.revision}' for r in chain)})"
    return said


@dataclass
class RateBook:
    """Every published revision of a scheme's tables, by year (the rates stream's fold)."""

    tables: dict[int, list[RateTablePublished]] = field(default_factory=dict)
    _resolved: dict[int, Rates | None] = field(default_factory=dict, repr=False, compare=False)

    def apply(self, event: Event) -> RateBook:
        if isinstance(event, RateTablePublished):
            self.tables.setdefault(event.year, []).append(event)
            self._resolved.clear()  # a revision may change any year indexed on it
        return self

    def latest(self, year: int) -> RateTablePublished | None:
        revisions = self.tables.get(year)
        return max(revisions, key=lambda t: t.revision) if revisions else None

    def next_revision(self, year: int) -> int:
        latest = self.latest(year)
        return 1 if latest is None else latest.revision + 1

    def resolve(self, year: int) -> Rates:
        """The year's amounts; Invalid "no rate table for <year>" when there is none."""
        return self._resolve(year, 0)

    def _resolve(self, year: int, depth: int) -> Rates:
        table = self.latest(year)
        if table is None:
            raise no_rate_table(year)
        if table.amounts is not None:
            pool = {rate.tier: rate.amount for rate in table.amounts.pool}
            fee = table.amounts.coordinator_fee
            caps = {cap.cost_kind: cap.amount for cap in table.amounts.yearly_caps}
            factor, chain = None, tuple[RateRevision, ...]()
        else:
            assert table.index_factor is not None
            assert table.index_base_year is not None
            if depth >= MAX_INDEX_DEPTH or table.index_base_year == year:
                raise Invalid(RATES, f"rate table {year} indexes on itself or too deep")
            base = self._resolve(table.index_base_year, depth + 1)
            scale = table.index_factor
            pool = {tier: scale_half_up(amount, scale) for tier, amount in base.pool.items()}
            fee = scale_half_up(base.coordinator_fee, scale)
            caps = {kind: scale_half_up(amount, scale) for kind, amount in base.yearly_caps.items()}
            factor = str(scale)
            chain = (RateRevision(year=base.year, revision=base.revision), *base.indexed_on)
        return Rates(
            scheme=table.scheme,
            year=year,
            revision=table.revision,
            pool=pool,
            coordinator_fee=fee,
            yearly_caps=caps,
            counted=frozenset(table.counted_categories),
            basis=table.basis,
            price_level_year=table.price_level_year,
            index_factor=factor,
            indexed_on=chain,
        )

    def find(self, year: int) -> Rates | None:
        """The year's amounts, or None when the year has no table (or cannot be resolved)."""
        if year not in self._resolved:
            try:
                self._resolved[year] = self.resolve(year)
            except Invalid:
                self._resolved[year] = None
        return self._resolved[year]
