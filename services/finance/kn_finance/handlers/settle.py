"""The decider's use cases: bring a network's decisions and payouts to what the facts say.

Each change is its own append (decide_and_append) under a cause key that names the payout's
kind, thing and revision, so its events get ids derived from those (UUIDv5): the same payout
has the same ce_id whenever and however it is decided. A change is decided again on the
state it is appended to; if that no longer gives the same change (a fact came in between),
nothing is appended and the fact's own arrival settles the network again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from kn_contracts.base import Event
from kn_finance.domain.fee import FeeAccount, FeeYears, fee_changes
from kn_finance.domain.settle import Change, changes
from kn_finance.handlers.streams import FEE_YEARS, applied, fee_of, pool_of, rates_of
from kn_rules.decide import decide
from kn_rules.fee import fee_lines
from kn_rules.inputs import NetworkInputs
from kn_rules.pool import PoolBook
from kn_rules.rates import RateBook, Rates
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.folds import FoldCache
from kn_servicekit.pipeline import Aggregate, decide_and_append, load

S = TypeVar("S", PoolBook, FeeAccount)


@dataclass
class Folds:
    """The decider's cached folds of finance's streams, so a decision reads only the events
    recorded since the last one (a network's account grows every year)."""

    pools: dict[str, FoldCache[PoolBook]] = field(default_factory=dict)
    rates: FoldCache[RateBook] = field(default_factory=lambda: FoldCache(RateBook, applied))
    years: FoldCache[FeeYears] = field(default_factory=lambda: FoldCache(FeeYears, applied))

    def pool(self, stream_id: str) -> FoldCache[PoolBook]:
        return self.pools.setdefault(stream_id, FoldCache(PoolBook, applied))


class Inputs(Protocol):
    """Finance's view of other services' facts (adapters.reading)."""

    async def network(self, network_id: str | None) -> NetworkInputs: ...

    async def networks(self) -> list[str]: ...


async def settle_pool(
    store: EventStore,
    inputs: Inputs,
    network_id: str | None,
    scheme: Scheme,
    cause: Cause,
    folds: Folds | None = None,
) -> list[Event]:
    """Decide the network's invoices again; append what changed (Pool payouts 3, 8)."""
    folds = folds or Folds()
    book_of_rates = (await load(store, rates_of(scheme.scheme), folds.rates))[0]
    seen = await inputs.network(network_id)

    def plan(book: PoolBook) -> list[Change]:
        return changes(book, decide(book, seen, book_of_rates, scheme), cause)

    account = pool_of(network_id)
    return await _apply(store, account, plan, folds.pool(account.stream_id))


async def settle_fees(
    store: EventStore,
    inputs: Inputs,
    network_id: str,
    scheme: Scheme,
    cause: Cause,
    years: Sequence[int] | None = None,
    folds: Folds | None = None,
) -> list[Event]:
    """Bring the fee payouts of the network's closed years to the current figures (rule 9)."""
    folds = folds or Folds()
    closed = (await load(store, FEE_YEARS, folds.years))[0].closed
    if not closed:
        return []
    book_of_rates = (await load(store, rates_of(scheme.scheme), folds.rates))[0]
    seen = await inputs.network(network_id)
    appended: list[Event] = []
    for year in sorted(closed if years is None else set(years) & set(closed)):
        year_rates = book_of_rates.find(year)
        if year_rates is None:
            continue

        def plan(account: FeeAccount, year: int = year, at: Rates = year_rates) -> list[Change]:
            lines = fee_lines(seen.roles, year, at)
            return fee_changes(account, lines, network_id, year, at, scheme, cause)

        appended += await _apply(store, fee_of(network_id, year), plan)
    return appended


async def settle_everything(
    store: EventStore,
    inputs: Inputs,
    scheme: Scheme,
    cause: Cause,
    fees_only_for: int | None = None,
    folds: Folds | None = None,
) -> list[Event]:
    """Every network (a new rate revision, a year closed): pool and fees, or one year's fees."""
    folds = folds or Folds()
    appended: list[Event] = []
    for network_id in await inputs.networks():
        if fees_only_for is None:
            appended += await settle_pool(store, inputs, network_id, scheme, cause, folds)
        years = None if fees_only_for is None else [fees_only_for]
        appended += await settle_fees(store, inputs, network_id, scheme, cause, years, folds)
    if fees_only_for is None:
        appended += await settle_pool(store, inputs, None, scheme, cause, folds)
    return appended


async def _apply(
    store: EventStore,
    aggregate: Aggregate[S],
    plan: Callable[[S], list[Change]],
    cache: FoldCache[S] | None = None,
) -> list[Event]:
    state, _ = await load(store, aggregate, cache)
    appended: list[Event] = []
    for change in plan(state):
        decided = await decide_and_append(
            store, aggregate, _again(plan, change, state), cause_key=change.cause_key, cache=cache
        )
        appended += decided.events
    return appended


def _again(
    plan: Callable[[S], list[Change]], change: Change, planned_on: S
) -> Callable[[S], list[Event]]:
    folded = planned_on.folded

    def decide_again(state: S) -> list[Event]:
        if state is planned_on and state.folded == folded:  # nothing new since the plan
            return list(change.events)
        for now in plan(state):
            if now.subject == change.subject:
                return list(now.events) if now.cause_key == change.cause_key else []
        return []

    return decide_again
