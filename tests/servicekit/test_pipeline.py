"""The one command pipeline: load, prepare, decide, append — again after a lost race."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from kn_contracts.base import Event
from kn_servicekit.errors import ConcurrencyError
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.pipeline import ATTEMPTS, Aggregate, decide_and_append, load
from tests.support.racing import RacingStore
from tests.support.ticks import CATALOG, Tick, tick

CAP = 10  # what the counter may reach; the prepared input is the room left under it


def total(state: int, event: Event) -> int:
    assert isinstance(event, Tick)
    return state + event.amount


def kit_topic(_: Event) -> str:
    """The ticks are on no registered topic."""
    return "kit.events"


COUNTER = Aggregate("counter", lambda: 0, total, key="counter")


async def room_left(counted: int) -> int:
    return CAP - counted


def add_up_to_three(counted: int, room: int) -> list[Event]:
    return [tick("counter", min(3, room))] if room else []


async def test_a_lost_race_is_prepared_and_decided_again_on_the_fresh_state() -> None:
    store = RacingStore(tick("counter", 8), topic_for=kit_topic)
    decided = await decide_and_append(store, COUNTER, add_up_to_three, prepare=room_left)
    assert (decided.state, decided.prepared) == (CAP, 2)
    assert [e.event.amount for e in store.all_events() if isinstance(e.event, Tick)] == [8, 2]


async def test_a_writer_losing_every_race_gets_the_concurrency_error() -> None:
    store = RacingStore(*(tick("counter", 0) for _ in range(ATTEMPTS)), topic_for=kit_topic)
    with pytest.raises(ConcurrencyError):
        await decide_and_append(store, COUNTER, lambda counted: [tick("counter")])
    assert await load(store, COUNTER) == (0, ATTEMPTS)


async def test_a_decision_that_changes_nothing_appends_nothing() -> None:
    store = RacingStore(topic_for=kit_topic)
    await store.append("counter", 0, [tick("counter", CAP)])
    decided = await decide_and_append(store, COUNTER, add_up_to_three, prepare=room_left)
    assert (decided.state, decided.events) == (CAP, [])
    assert await load(store, COUNTER) == (CAP, 1)


async def test_the_events_of_one_inbound_cause_are_appended_once() -> None:
    store = RacingStore(topic_for=kit_topic)
    first = await decide_and_append(store, COUNTER, lambda n: [tick("counter")], cause_key="a#1")
    again = await decide_and_append(store, COUNTER, lambda n: [tick("counter")], cause_key="a#1")
    assert (len(first.events), again.events) == (1, [])
    assert await load(store, COUNTER) == (1, 1)


async def test_the_answer_is_the_state_after_the_appended_events() -> None:
    store = RacingStore(topic_for=kit_topic)
    await store.append("counter", 0, [tick("counter", 1)])
    decided = await decide_and_append(store, COUNTER, lambda n: [tick("counter", 4)] * 2)
    assert (decided.state, len(decided.events)) == (9, 2)
    assert await load(store, COUNTER) == (9, 3)


@pytest.mark.infra
@pytest.mark.parametrize("serialised", [True, False])
async def test_writers_of_a_serialised_stream_never_lose_a_race_to_each_other(
    pool: asyncpg.Pool, serialised: bool
) -> None:
    aggregate = Aggregate("hot", lambda: 0, total, key="hot", serialised=serialised)
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: "kit.events")
    decisions = 0

    def one_more(counted: int) -> list[Event]:
        nonlocal decisions
        decisions += 1
        return [tick("hot", 1)]

    async def writer() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await decide_and_append(store.on(conn), aggregate, one_more)
            await asyncio.sleep(0.01)  # the rest of a command's transaction (answer, commit)

    outcomes = await asyncio.gather(*(writer() for _ in range(8)), return_exceptions=True)
    state, _ = await load(store, aggregate)
    if serialised:
        assert outcomes == [None] * 8
        assert (state, decisions) == (8, 8)  # each decided once: no race was lost
    else:
        assert decisions > 8  # the same writers lose races and decide again (or give up)
