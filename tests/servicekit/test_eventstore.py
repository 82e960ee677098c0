"""Streams with versions; appends are atomic and optimistic; positions follow commits."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from asyncpg.connection import LoggedQuery

from kn_servicekit.db import Connection
from kn_servicekit.errors import ConcurrencyError, DuplicateEventError
from kn_servicekit.eventstore import EventStore, derived_ids
from kn_servicekit.memstore import InMemoryEventStore
from kn_servicekit.pgstore import (
    AppendAborted,
    PostgresEventStore,
    create_schema,
    notify_channel,
)
from kn_servicekit.pipeline import Aggregate, decide_and_append
from tests.support.ticks import CATALOG, Tick, tick
from tests.support.waiting import eventually


@contextlib.contextmanager
def sent_on(conn: Connection) -> Iterator[list[str]]:
    """The statements sent on `conn` meanwhile, each by its first 30 characters."""
    statements: list[str] = []

    def sent(record: LoggedQuery) -> None:
        statements.append(" ".join(record.query.split())[:30])

    conn.add_query_logger(sent)
    try:
        yield statements
    finally:
        conn.remove_query_logger(sent)


def topic_for(_: object) -> str:
    return "kit.events"


@pytest.fixture(params=["memory", "postgres"])
def store(request: pytest.FixtureRequest) -> EventStore:
    """Both stores, so the fake is held to the same rules as the real one."""
    if request.param == "memory":
        return InMemoryEventStore(topic_for=topic_for)
    pool: asyncpg.Pool = request.getfixturevalue("pool")
    return PostgresEventStore(pool, CATALOG, topic_for=topic_for)


async def test_appended_events_read_back_in_order_with_versions(store: EventStore) -> None:
    await store.append("counter-a", 0, [tick("a", 1), tick("a", 2)])
    await store.append("counter-a", 2, [tick("a", 3)])
    stream = await store.read("counter-a")
    assert stream.version == 3
    assert [e.version for e in stream.events] == [1, 2, 3]
    assert [e.event for e in stream.events] == [tick("a", 1), tick("a", 2), tick("a", 3)]
    assert {e.topic for e in stream.events} == {"kit.events"}


async def test_an_unknown_stream_reads_as_empty_at_version_zero(store: EventStore) -> None:
    stream = await store.read("nobody")
    assert (stream.version, stream.events) == (0, ())


async def test_the_streams_of_a_prefix_are_listed_once_each_and_sorted(store: EventStore) -> None:
    await store.append("pool:esbjerg", 0, [tick("e", 1), tick("e", 2)])
    await store.append("pool:aalborg", 0, [tick("a")])
    await store.append("poolside", 0, [tick("p")])
    assert await store.stream_ids("pool:") == ["pool:aalborg", "pool:esbjerg"]
    assert await store.stream_ids("pool:%") == []  # a prefix, not a pattern


async def test_an_append_with_a_stale_expected_version_is_refused(store: EventStore) -> None:
    await store.append("counter-b", 0, [tick("b")])
    with pytest.raises(ConcurrencyError, match="counter-b is at version 1, not 0"):
        await store.append("counter-b", 0, [tick("b")])
    assert (await store.read("counter-b")).version == 1


async def test_repeating_a_cause_with_derived_ids_is_recognised(store: EventStore) -> None:
    ids = derived_ids("/kvalitetsnet/region#msg-7", 1)
    await store.append("counter-c", 0, [tick("c")], event_ids=ids)
    with pytest.raises(DuplicateEventError):
        await store.append("counter-d", 0, [tick("d")], event_ids=ids)
    assert ids == derived_ids("/kvalitetsnet/region#msg-7", 1)


async def test_the_kafka_key_defaults_to_the_stream_and_can_be_chosen(store: EventStore) -> None:
    first = await store.append("meeting-1", 0, [tick("m")])
    second = await store.append("meeting-2", 0, [tick("m")], key="network-aalborg")
    assert (first[0].key, second[0].key) == ("meeting-1", "network-aalborg")


@pytest.mark.infra
async def test_of_two_concurrent_appends_at_the_same_version_exactly_one_wins(
    pool: asyncpg.Pool,
) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    for round_ in range(20):
        stream = f"race-{round_}"
        results = await asyncio.gather(
            *(store.append(stream, 0, [tick(stream, n)]) for n in range(2)),
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, list)]
        losers = [r for r in results if isinstance(r, ConcurrencyError)]
        assert (len(winners), len(losers)) == (1, 1)
        assert (await store.read(stream)).version == 1


@pytest.mark.infra
async def test_positions_under_concurrent_appends_follow_commit_order(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    seen_max = 0
    gaps: list[tuple[int, int]] = []

    async def writer(n: int) -> None:
        for version in range(30):
            await store.append(f"w-{n}", version, [tick(f"w-{n}")])

    async def reader() -> None:
        # what a relay does: read everything above what it saw; it must never find a
        # position below one it already passed (that event would be skipped for good)
        nonlocal seen_max
        while True:
            rows = await pool.fetch("SELECT position FROM kn_events WHERE position > 0")
            positions = sorted(r["position"] for r in rows)
            late = [p for p in positions if p <= seen_max and p not in passed]
            gaps.extend((p, seen_max) for p in late)
            passed.update(positions)
            seen_max = max(positions, default=seen_max)

    passed: set[int] = set()
    watcher = asyncio.create_task(reader())
    await asyncio.gather(*(writer(n) for n in range(8)))
    watcher.cancel()
    assert gaps == []
    assert len(passed) <= 240
    assert await pool.fetchval("SELECT count(*) FROM kn_events") == 240


def test_derived_ids_differ_per_cause_and_index() -> None:
    a = derived_ids("cause-a", 2)
    assert len(set(a) | set(derived_ids("cause-b", 2))) == 4
    assert all(isinstance(i, uuid.UUID) for i in a)
    assert Tick.ce_type() == "dk.kvalitetsnet.test.Tick.v1"


@pytest.mark.infra
async def test_a_writer_whose_search_path_starts_elsewhere_takes_the_same_append_lock(
    pool: asyncpg.Pool, database: str
) -> None:
    # a feed under the projection runner puts its projection's schema first in search_path;
    # its appends must still wait for, and be ordered with, the service's other appends
    schema = database.rsplit("search_path=", 1)[1]
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    holder, feed = await pool.acquire(), await pool.acquire()
    try:
        held = holder.transaction()
        await held.start()
        await store.on(holder).append("held", 0, [tick("held")])  # holds the lock, uncommitted
        await feed.execute(f'CREATE SCHEMA IF NOT EXISTS "proj_{schema}"')
        await feed.execute(f'SET search_path TO "proj_{schema}", "{schema}"')
        waiting = asyncio.create_task(store.on(feed).append("fed", 0, [tick("fed")]))
        done, _ = await asyncio.wait([waiting], timeout=0.5)
        assert not done, "the second writer did not wait for the append lock"
        await held.commit()
        await waiting
    finally:
        await pool.release(holder)
        await pool.release(feed)
    rows = await pool.fetch("SELECT stream_id FROM kn_events ORDER BY position")
    assert [r["stream_id"] for r in rows] == ["held", "fed"]


@pytest.mark.infra
async def test_an_append_inside_a_transaction_is_the_lock_and_one_insert(
    pool: asyncpg.Pool,
) -> None:
    # membership's register holds the append lock from before its fold to its commit: under
    # it an append sends no savepoint, no separate version check and no NOTIFY
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    async with pool.acquire() as conn, conn.transaction():
        on_conn = store.on(conn)
        await on_conn.lock_for_append()
        await on_conn.append("warm", 0, [tick("w")])  # asyncpg prepares its statements once
        with sent_on(conn) as statements:
            await on_conn.append("register", 0, [tick("a"), tick("b")])
            await on_conn.append("register", 2, [tick("c")])
    lock, insert = "SELECT pg_advisory_xact_lock($", "INSERT INTO kn_events (positio"
    assert statements == [lock, insert, lock, insert]
    assert (await store.read("register")).version == 3


@pytest.mark.infra
async def test_a_serialised_decision_takes_the_append_lock_once_and_appends_with_one_insert(
    pool: asyncpg.Pool,
) -> None:
    # the pipeline locks before its fold and appends at the same savepoint level, so the
    # append does not send the lock again: one round trip less while every other writer waits
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    counter = Aggregate("serial", lambda: 0, lambda n, _: n + 1, serialised=True)
    async with pool.acquire() as conn, conn.transaction():
        on_conn = store.on(conn)
        await decide_and_append(on_conn, counter, lambda n: [tick("w", n)])  # prepared once
        with sent_on(conn) as statements:
            decided = await decide_and_append(on_conn, counter, lambda n: [tick("s", n)])
    assert decided.events == [tick("s", 1)]
    lock, read = "SELECT pg_advisory_xact_lock($", "SELECT position, event_id, str"
    assert statements == [lock, read, "INSERT INTO kn_events (positio"]
    assert (await store.read("serial")).version == 2


@pytest.mark.infra
async def test_an_append_in_its_own_transaction_takes_the_lock_whatever_the_caller_says(
    pool: asyncpg.Pool,
) -> None:
    # `locked` speaks of the caller's transaction: an append that opens its own (a store
    # on a connection outside any) holds nothing yet, so it locks
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    async with pool.acquire() as conn:
        with sent_on(conn) as statements:
            await store.on(conn).append("own", 0, [tick("o")], locked=True)
    assert "SELECT pg_advisory_xact_lock($" in statements
    assert (await store.read("own")).version == 1


@pytest.mark.infra
async def test_a_unique_key_broken_past_the_lock_aborts_the_callers_transaction_loudly(
    pool: asyncpg.Pool,
) -> None:
    # a writer around the append lock (none of ours) holds an uncommitted row with the id:
    # the append waits on the unique index and breaks it when that commits; inside a
    # caller's transaction that is not a repeat to go on from, but an abort
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    (taken,) = derived_ids("/kvalitetsnet/region#msg-9", 1)
    around = await pool.acquire()
    try:
        held = around.transaction()
        await held.start()
        await around.execute(
            "INSERT INTO kn_events (position, event_id, stream_id, version, topic, kafka_key, "
            "ce_type, payload, recorded_at) VALUES (nextval('kn_event_position'), $1, 'around', "
            "1, 'kit.events', 'around', 'x', '{}', now())",
            taken,
        )

        async def append() -> None:
            async with pool.acquire() as conn, conn.transaction():
                await store.on(conn).append("mine", 0, [tick("m")], event_ids=[taken])

        waiting = asyncio.create_task(append())
        await eventually(
            lambda: pool.fetchval(  # not `around`: in a transaction its view stays as it was
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%INSERT INTO kn_events%'"
            ),
            lambda waits: waits >= 1,
            what="the append waiting on the uncommitted row",
        )
        await held.commit()
        with pytest.raises(AppendAborted, match="kn_events_event_id_key"):
            await waiting
    finally:
        await pool.release(around)
    assert (await store.read("mine")).version == 0


async def test_an_append_refuses_two_events_with_one_id(store: EventStore) -> None:
    (same,) = derived_ids("/kvalitetsnet/region#msg-10", 1)
    with pytest.raises(ValueError, match="an id of its own"):
        await store.append("twice", 0, [tick("a"), tick("b")], event_ids=[same, same])


@pytest.mark.infra
async def test_a_refused_append_leaves_the_callers_transaction_going(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    ids = derived_ids("/kvalitetsnet/region#msg-8", 1)
    await store.append("kept", 0, [tick("kept")], event_ids=ids)
    async with pool.acquire() as conn, conn.transaction():
        on_conn = store.on(conn)
        with pytest.raises(ConcurrencyError, match="kept is at version 1, not 0"):
            await on_conn.append("kept", 0, [tick("again")])
        with pytest.raises(DuplicateEventError):
            await on_conn.append("elsewhere", 0, [tick("repeat")], event_ids=ids)
        await on_conn.append("kept", 1, [tick("next")])  # the transaction is not aborted
    assert [s.version for s in (await store.read("kept")).events] == [1, 2]
    assert (await store.read("elsewhere")).version == 0


async def all_heard(
    sender: Connection, channel: str, heard: list[tuple[int, object]]
) -> list[tuple[int, object]]:
    """What was heard on `channel` until a marker NOTIFY from `sender`: notifications arrive
    in commit order, so everything committed before the marker has come (no sleeping)."""
    marker = f"marker-{uuid.uuid4()}"
    await sender.execute("SELECT pg_notify($1, $2)", channel, marker)
    await eventually(
        lambda: asyncio.sleep(0, heard),
        lambda got: (sender.get_server_pid(), marker) in got,
        what="the marker",
    )
    return [(pid, payload) for pid, payload in heard if not str(payload).startswith("marker-")]


@pytest.mark.infra
async def test_the_relay_is_notified_at_commit_of_stored_events_only(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool, CATALOG, topic_for=topic_for)
    heard: list[tuple[int, object]] = []  # the sending backends and payloads

    def woken(_conn: Connection, pid: int, _channel: str, payload: object) -> None:
        heard.append((pid, payload))

    listener = await pool.acquire()
    try:
        channel = await notify_channel(listener)
        await listener.add_listener(channel, woken)
        async with pool.acquire() as conn:
            writer = (conn.get_server_pid(), "")
            async with conn.transaction():
                with pytest.raises(ConcurrencyError):
                    await store.on(conn).append("quiet", 3, [tick("q")])
            assert await all_heard(conn, channel, heard) == []  # nothing stored, nobody woken
            async with conn.transaction():
                await store.on(conn).append("loud", 0, [tick("l"), tick("m")])
                assert await all_heard(listener, channel, heard) == []  # not before the commit
            assert await all_heard(conn, channel, heard) == [writer]  # once for its rows
    finally:
        await listener.remove_listener(channel, woken)
        await pool.release(listener)


@pytest.mark.infra
async def test_a_relay_is_not_woken_by_another_event_table_in_the_same_database(
    pool: asyncpg.Pool, database: str
) -> None:
    # a test sandbox keeps each service's tables in a schema of one database; NOTIFY is the
    # database's, so the channel names the event table
    schema = database.rsplit("search_path=", 1)[1]
    other_url = database.replace(f"search_path={schema}", f"search_path=other_{schema}")
    await pool.execute(f'CREATE SCHEMA IF NOT EXISTS "other_{schema}"')
    other = await asyncpg.create_pool(other_url, min_size=1, max_size=2)
    heard: list[tuple[int, object]] = []

    def woken(_conn: Connection, pid: int, _channel: str, payload: object) -> None:
        heard.append((pid, payload))

    try:
        await create_schema(other)
        listener = await pool.acquire()
        try:
            ours = await notify_channel(listener)
            async with other.acquire() as conn:
                assert await notify_channel(conn) != ours
            await listener.add_listener(ours, woken)
            await PostgresEventStore(other, CATALOG, topic_for=topic_for).append(
                "theirs", 0, [tick("t")]
            )
            async with pool.acquire() as conn:
                assert await all_heard(conn, ours, heard) == []
                await PostgresEventStore(conn, CATALOG, topic_for=topic_for).append(
                    "ours", 0, [tick("o")]
                )
                assert await all_heard(conn, ours, heard) == [(conn.get_server_pid(), "")]
            await listener.remove_listener(ours, woken)
        finally:
            await pool.release(listener)
    finally:
        await other.close()
        await pool.execute(f'DROP SCHEMA "other_{schema}" CASCADE')
