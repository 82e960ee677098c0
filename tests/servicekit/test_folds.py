"""A cached fold reads only the events since its last load, and never caches what may roll back."""

from __future__ import annotations

import asyncpg
import pytest

from kn_contracts.base import Event
from kn_servicekit.eventstore import EventStore
from kn_servicekit.folds import FoldCache
from kn_servicekit.memstore import InMemoryEventStore
from kn_servicekit.pgstore import PostgresEventStore
from tests.support.ticks import CATALOG, Tick, tick


def topic_for(_: object) -> str:
    return "kit.events"


def total(state: int, event: Event) -> int:
    assert isinstance(event, Tick)
    return state + event.amount


def cache() -> FoldCache[int]:
    return FoldCache(lambda: 0, total)


@pytest.fixture(params=["memory", "postgres"])
def store(request: pytest.FixtureRequest) -> EventStore:
    if request.param == "memory":
        return InMemoryEventStore(topic_for=topic_for)
    pool: asyncpg.Pool = request.getfixturevalue("pool")
    return PostgresEventStore(pool, CATALOG, topic_for=topic_for)


async def test_a_second_load_folds_only_the_events_recorded_since_the_first(
    store: EventStore,
) -> None:
    folds = cache()
    await store.append("counter", 0, [tick("counter", 2), tick("counter", 3)])
    assert await folds.load(store, "counter") == (5, 2)
    await store.append("counter", 2, [tick("counter", 4)])
    assert await folds.load(store, "counter") == (9, 3)
    assert folds.events_folded == 3


async def test_a_load_with_nothing_new_reads_no_event_and_keeps_the_version(
    store: EventStore,
) -> None:
    folds = cache()
    await store.append("counter", 0, [tick("counter", 7)])
    await folds.load(store, "counter")
    assert await folds.load(store, "counter") == (7, 1)
    assert folds.events_folded == 1


async def test_events_appended_in_a_transaction_that_rolls_back_never_reach_the_cache(
    pool: asyncpg.Pool,
) -> None:
    folds = cache()
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    await store.append("counter", 0, [tick("counter", 1)])
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        bound = store.on(conn)
        await bound.append("counter", 1, [tick("counter", 100)])
        assert bound.appended_to("counter")
        # inside the transaction the load sees its own append, from a private fold
        assert await folds.load(bound, "counter") == (101, 2)
        await transaction.rollback()
    assert await folds.load(store, "counter") == (1, 1)


async def test_a_store_bound_to_a_transaction_that_only_read_may_advance_the_cache(
    pool: asyncpg.Pool,
) -> None:
    folds = cache()
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    await store.append("counter", 0, [tick("counter", 5)])
    async with pool.acquire() as conn, conn.transaction():
        bound = store.on(conn)
        assert not bound.appended_to("counter")
        assert await folds.load(bound, "counter") == (5, 1)
    assert folds.events_folded == 1
