"""The streams finance decides on, and how each is keyed on Kafka."""

from __future__ import annotations

from typing import TypeVar

from kn_contracts.base import Event
from kn_finance.domain import fee
from kn_finance.domain.fee import FeeAccount, FeeYears
from kn_rules import pool
from kn_rules.fee import fee_account as fee_stream
from kn_rules.pool import PoolBook
from kn_rules.rates import RateBook
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import Aggregate, load

RATES_KEY = "rates"

S = TypeVar("S", RateBook, PoolBook, FeeAccount, FeeYears)


def applied(state: S, event: Event) -> S:
    """A fold step (the states fold in place: read a loaded state, never change it)."""
    return state.apply(event)


def rates_of(scheme: str) -> Aggregate[RateBook]:
    """A scheme's rate tables, every year and revision: one small stream."""
    return Aggregate(f"rates:{scheme}", RateBook, applied, key=RATES_KEY)


def pool_of(network_id: str | None) -> Aggregate[PoolBook]:
    """A network's pool account: its invoices, bookings, decisions and pool payouts."""
    return Aggregate(
        pool.account_of(network_id), PoolBook, applied, key=network_id or pool.NO_NETWORK
    )


async def accounts(store: EventStore) -> list[str | None]:
    """Every pool account that holds events, by network (None: invoices naming none), also
    of a network finance does not know yet (an invoice may name one before it is published)."""
    prefix = pool.account_of(pool.NO_NETWORK).removesuffix(pool.NO_NETWORK)
    ids = [s.removeprefix(prefix) for s in await store.stream_ids(prefix)]
    return [None if n == pool.NO_NETWORK else n for n in ids]


def fee_of(network_id: str, year: int) -> Aggregate[FeeAccount]:
    """A network's fee payouts for one year."""
    return Aggregate(fee_stream(network_id, year), FeeAccount, applied, key=network_id)


FEE_YEARS = Aggregate(fee.FEE_YEARS, FeeYears, applied, key=fee.FEE_YEARS)


async def rate_book(store: EventStore, scheme: str) -> RateBook:
    return (await load(store, rates_of(scheme)))[0]


async def pool_book(store: EventStore, network_id: str | None) -> PoolBook:
    return (await load(store, pool_of(network_id)))[0]


async def fee_account(store: EventStore, network_id: str, year: int) -> FeeAccount:
    return (await load(store, fee_of(network_id, year)))[0]


async def fee_years(store: EventStore) -> FeeYears:
    return (await load(store, FEE_YEARS))[0]
