"""Subjects' keys on real PostgreSQL and Kafka: sealed in the log, erased, followed (issue 15)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, cast

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from kn_contracts.events.membership import MemberJoined
from kn_contracts.sealed import ERASED
from kn_contracts.topics import MEMBERSHIP_KEYS, catalog
from kn_deploy.pytest_plugin import unique
from kn_servicekit import idempotency, keys_topic, subject_keys
from kn_servicekit.cause import Cause
from kn_servicekit.errors import ConcurrencyError, DuplicateEventError
from kn_servicekit.eventstore import derived_ids
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.sealing import KeyRing, new_key
from kn_servicekit.subject_keys import SubjectKeys
from kn_servicekit.topics import ensure_topics
from tests.support.background import in_background
from tests.support.locks import lock_holders
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
STAMP = Cause("region", "c-1", "c-1", dt.date(2025, 1, 1)).stamp(dt.date(2025, 1, 1))


def joined(name: str) -> MemberJoined:
    return MemberJoined(**STAMP, network_id="aalborg-oest", person_id="p-anna", name=name,
                        ydernummer="100009", clinic_id="c-1", clinic_name="Fysio Øst",
                        role="owner", reason="region_feed")  # fmt: skip


@pytest.fixture
async def keyed(pool: asyncpg.Pool) -> SubjectKeys:
    await subject_keys.create_tables(pool)
    return SubjectKeys(KeyRing())


@pytest.fixture
async def keys_topic_name(kafka_admin: KafkaAccess) -> str:
    prefix = unique("keys") + "."
    await ensure_topics(kafka_admin, [MEMBERSHIP_KEYS], prefix=prefix)
    return prefix + MEMBERSHIP_KEYS.name


@pytest.fixture
async def producer(kafka_admin: KafkaAccess) -> AsyncIterator[AIOKafkaProducer]:
    started = AIOKafkaProducer(**kafka_options(kafka_admin), acks="all")
    await started.start()
    yield started
    await started.stop()


async def test_a_store_without_subject_keys_refuses_to_write_a_name(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool, catalog())

    with pytest.raises(ValueError, match="no subject keys to seal them"):
        await store.append("register", 0, [joined("Anna Ærø")])


async def test_the_event_table_holds_the_name_sealed_and_the_owner_reads_it_opened(
    pool: asyncpg.Pool, keyed: SubjectKeys
) -> None:
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    await store.append("register", 0, [joined("Anna Ærø")])

    payload = await pool.fetchval("SELECT payload FROM kn_events")
    assert "Anna" not in payload
    assert '"name":"sealed:' in payload
    [stored] = (await store.read("register")).events
    assert isinstance(stored.event, MemberJoined)
    assert stored.event.name == "Anna Ærø"


async def test_an_erased_person_reads_slettet_and_a_name_typed_again_gets_a_new_key(
    pool: asyncpg.Pool, keyed: SubjectKeys
) -> None:
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    await store.append("register", 0, [joined("Anna Ærø")])

    erased = await store.erase_subject("p-anna")
    await store.append("register", 1, [joined("Anna Ærø")])  # she joins again, years later

    first, again = (s.event for s in (await store.read("register")).events)
    assert isinstance(first, MemberJoined)
    assert isinstance(again, MemberJoined)
    assert (first.name, again.name) == (ERASED, "Anna Ærø")
    rows = await pool.fetch("SELECT key_id, key FROM kn_subject_keys ORDER BY issued_at")
    assert next(r["key_id"] for r in rows) == erased[0]
    assert rows[0]["key"] is None
    assert rows[1]["key_id"] != erased[0]
    assert rows[1]["key"] is not None


async def test_a_repeated_cause_after_an_erasure_leaves_no_new_key_behind(
    pool: asyncpg.Pool, keyed: SubjectKeys
) -> None:
    # a region message handled again after its person was erased: the append is refused as
    # a repeat, and the key its sealing made is taken back with it (none live, none to send)
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    ids = derived_ids("/kvalitetsnet/region#m-1", 1)
    await store.append("register", 0, [joined("Anna Andersen")], event_ids=ids)
    await store.erase_subject("p-anna")
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(DuplicateEventError):
            await store.on(conn).append("register", 1, [joined("Anna Andersen")], event_ids=ids)
        with pytest.raises(ConcurrencyError):
            await store.on(conn).append("register", 0, [joined("Anna Andersen")])
    live = await pool.fetchval(
        "SELECT count(*) FROM kn_subject_keys WHERE subject_id = 'p-anna' AND erased_at IS NULL"
    )
    assert live == 0
    (stored,) = (await store.read("register")).events
    assert isinstance(stored.event, MemberJoined)
    assert stored.event.name == ERASED


async def test_one_statement_reads_a_subjects_key_or_makes_it(
    pool: asyncpg.Pool, keyed: SubjectKeys
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        first = await keyed.sealer(conn, ["p-anna", "p-bo", "p-anna"])
        again = await keyed.sealer(conn, ["p-bo", "p-carl"])
    assert len(first.made) == 2
    assert len(again.made) == 1
    rows = await pool.fetch("SELECT subject_id, key_id FROM kn_subject_keys ORDER BY subject_id")
    assert [row["subject_id"] for row in rows] == ["p-anna", "p-bo", "p-carl"]
    assert {row["key_id"] for row in rows} == {*first.made, *again.made}
    assert first.seal("p-bo", "name", "Bo").key_id == rows[1]["key_id"]


async def test_an_erasure_redacts_the_stored_answers_that_name_the_person(
    pool: asyncpg.Pool, keyed: SubjectKeys
) -> None:
    await pool.execute(idempotency.SCHEMA)
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    await store.append("register", 0, [joined("Anna Ærø")])
    answer = json.dumps({"members": [{"person_id": "p-anna", "name": "Anna Ærø"}]})
    await pool.execute(
        "INSERT INTO kn_idempotency VALUES ('ekm', 'k-1', 'f', 201, $1, now())", answer
    )

    await store.erase_subject("p-anna")

    body = json.loads(await pool.fetchval("SELECT body FROM kn_idempotency"))
    assert body == {"members": [{"person_id": "p-anna", "name": ERASED}]}


async def test_a_reader_keeps_a_copy_until_the_tombstone_and_drops_one_it_missed(
    pool: asyncpg.Pool, keyed: SubjectKeys, kafka_admin: KafkaAccess, keys_topic_name: str,
    producer: AIOKafkaProducer,
) -> None:  # fmt: skip
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    await store.append("register", 0, [joined("Anna Ærø")])
    [key_id] = [r["key_id"] for r in await pool.fetch("SELECT key_id FROM kn_subject_keys")]
    await keys_topic.publish_pending(pool, producer, keys_topic_name, "membership")
    reader, ready = KeyRing(), asyncio.Event()
    follow = asyncio.create_task(keys_topic.follow_keys(
        pool, kafka_admin, keys_topic_name, "membership", reader, ready))  # fmt: skip
    try:
        await eventually(lambda: _copies(pool), lambda c: c == [key_id], what="Anna's key copied")
        assert reader.has(key_id)

        await store.erase_subject("p-anna")
        await keys_topic.publish_pending(pool, producer, keys_topic_name, "membership")

        await eventually(lambda: _copies(pool), lambda c: c == [], what="the copy deleted")
        assert not reader.has(key_id)
    finally:
        follow.cancel()
    # a reader away during the tombstone, holding a stale copy, drops it when it starts
    await pool.execute("INSERT INTO kn_key_copies VALUES ($1, 'membership', $2)", key_id, new_key())
    again, ready = KeyRing(), asyncio.Event()
    follow = asyncio.create_task(keys_topic.follow_keys(
        pool, kafka_admin, keys_topic_name, "membership", again, ready))  # fmt: skip
    try:
        await asyncio.wait_for(ready.wait(), 30)
        assert await _copies(pool) == []
        assert not again.has(key_id)
    finally:
        follow.cancel()


async def test_a_key_on_the_topic_not_from_its_owner_is_ignored(
    pool: asyncpg.Pool, keyed: SubjectKeys, kafka_admin: KafkaAccess, keys_topic_name: str,
    producer: AIOKafkaProducer,
) -> None:  # fmt: skip
    headers = [("ce_source", b"/kvalitetsnet/finance")]
    await producer.send_and_wait(keys_topic_name, new_key(), key=b"k-forged", headers=headers)
    ring, ready = KeyRing(), asyncio.Event()
    follow = asyncio.create_task(keys_topic.follow_keys(
        pool, kafka_admin, keys_topic_name, "membership", ring, ready))  # fmt: skip
    try:
        await asyncio.wait_for(ready.wait(), 30)
        assert not ring.has("k-forged")
        assert await _copies(pool) == []
    finally:
        follow.cancel()


async def _copies(pool: asyncpg.Pool) -> list[str]:
    return [r["key_id"] for r in await pool.fetch("SELECT key_id FROM kn_key_copies")]


class CountingProducer:
    """A replica's producer, counting what it sends through the real one."""

    def __init__(self, inner: AIOKafkaProducer) -> None:
        self.inner = inner
        self.sent = 0

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        return await self.inner.send(*args, **kwargs)


async def _leaders(pool: asyncpg.Pool) -> list[int]:
    return await lock_holders(pool, keys_topic.KEYS_LOCK, "kn_subject_keys")


async def _unpublished(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM kn_subject_keys WHERE NOT published")
    return count


def _publisher(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer | CountingProducer,
    topic: str,
    ready: asyncio.Event | None = None,
) -> AbstractAsyncContextManager[asyncio.Task[None]]:
    """A replica's keys publisher, run for the block."""
    sender = cast(AIOKafkaProducer, producer)
    ready = ready or asyncio.Event()
    return in_background(keys_topic.publish_keys(pool, sender, topic, "membership", ready))


async def test_one_replica_publishes_keys_while_another_stands_by_to_take_over(
    pool: asyncpg.Pool, keyed: SubjectKeys, keys_topic_name: str, producer: AIOKafkaProducer
) -> None:
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    standby, standing_by = CountingProducer(producer), asyncio.Event()
    async with _publisher(pool, producer, keys_topic_name) as first:
        [leader] = await eventually(lambda: _leaders(pool), lambda p: len(p) == 1)
        async with _publisher(pool, standby, keys_topic_name, standing_by):
            await asyncio.wait_for(standing_by.wait(), 30)  # it asked, and stood by
            await store.append("register", 0, [joined("Anna Ærø")])
            await eventually(lambda: _unpublished(pool), lambda n: n == 0, what="the key sent")
            assert standby.sent == 0
            assert await _leaders(pool) == [leader]

            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
            await store.erase_subject("p-anna")
            await eventually(lambda: _unpublished(pool), lambda n: n == 0, what="the tombstone")
            assert standby.sent == 1  # the standby took over and sent it


async def test_a_keys_publisher_whose_session_ended_is_elected_again_before_it_goes_on(
    pool: asyncpg.Pool, keyed: SubjectKeys, keys_topic_name: str, producer: AIOKafkaProducer
) -> None:
    store = PostgresEventStore(pool, catalog(), keys=keyed)
    async with _publisher(pool, producer, keys_topic_name):
        [first] = await eventually(lambda: _leaders(pool), lambda p: len(p) == 1)
        await pool.execute("SELECT pg_terminate_backend($1)", first)  # the lock goes with it
        [again] = await eventually(
            lambda: _leaders(pool), lambda p: len(p) == 1 and p[0] != first,
            what="the publisher leading again on a new session",
        )  # fmt: skip
        await store.append("register", 0, [joined("Anna Ærø")])
        await eventually(lambda: _unpublished(pool), lambda n: n == 0, what="the key sent")
        assert await _leaders(pool) == [again]
