"""Keys between services, only through Kafka: the owner publishes, readers keep copies.

The owner's `publish_keys` loop sends each new key (value: the 32 bytes) and each erased
one (a tombstone: no value) to its compacted keys topic, keyed by key id, and marks it
published only if it is still as sent. A reader's `follow_keys` reads the topic from the
start on every start (it holds one record per live key), replaces its copies with what it
read — so a tombstone it missed while away, already compacted, still deletes its copy —
then follows it, deleting a copy (and dropping it from the ring) on its tombstone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from kn_contracts.envelope import source_of
from kn_servicekit.db import check_lead, session_of_its_own, wait_to_lead
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.sealing import KEY_BYTES, KeyRing

log = structlog.get_logger("keys")
POLL_S = 1.0
KEYS_LOCK = 0x6B6E_0003  # beside pgstore.APPEND_LOCK and relay.RELAY_LOCK
KEYS_TABLE_KEY = "'kn_subject_keys'::regclass::oid::integer"


def _headers(owner: str, key_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", key_id.encode()),
        ("ce_source", source_of(owner).encode()),
        ("ce_type", f"dk.kvalitetsnet.{owner}.SubjectKey.v1".encode()),
        ("content-type", b"application/octet-stream"),
    ]


async def publish_pending(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, topic: str, owner: str
) -> int:
    """Send every key and tombstone not yet published; how many were sent."""
    rows = await pool.fetch(
        "SELECT key_id, key, erased_at FROM kn_subject_keys WHERE NOT published "
        "ORDER BY issued_at LIMIT 500"
    )
    # all sent at once, then all marked in one statement: a batch's sends share the
    # producer's requests instead of a round trip each, and its marks one statement (a send
    # that fails leaves the whole batch unmarked: sent again, which compaction absorbs)
    sent: list[asyncio.Future[object]] = []
    try:
        for row in rows:
            sent.append(
                await producer.send(
                    topic,
                    value=None if row["key"] is None else bytes(row["key"]),
                    key=row["key_id"].encode(),
                    headers=_headers(owner, row["key_id"]),
                )
            )
        await asyncio.gather(*sent)
    except BaseException:
        await asyncio.gather(*sent, return_exceptions=True)  # none left unawaited
        raise
    if rows:
        await pool.execute(
            """UPDATE kn_subject_keys k SET published = true
               FROM unnest($1::text[], $2::timestamptz[]) AS s(key_id, erased_at)
               WHERE k.key_id = s.key_id AND k.erased_at IS NOT DISTINCT FROM s.erased_at""",
            [row["key_id"] for row in rows],
            [row["erased_at"] for row in rows],
        )
    return len(rows)


async def publish_keys(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, topic: str, owner: str, ready: asyncio.Event
) -> None:
    """Publish the owner's keys and tombstones for as long as the service runs, one replica
    at a time: a session lock elects the publisher (as the relay's), so a key read and sent
    late by one replica can never land after the tombstone another sent, which compaction
    would then keep. The others wait, ready, to take over: `ready` is set once this one
    leads or has stood by."""

    def standing_by() -> None:
        ready.set()
        log.debug("keys_publisher_standing_by")

    while True:
        try:
            async with session_of_its_own(pool) as leader:  # the lock is the session's
                await wait_to_lead(leader, KEYS_LOCK, KEYS_TABLE_KEY, POLL_S, standing_by)
                ready.set()
                while True:
                    check_lead(leader)
                    if not await publish_pending(pool, producer, topic, owner):
                        await asyncio.sleep(POLL_S)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("keys_not_published", topic=topic, error=type(exc).__name__)
            await asyncio.sleep(POLL_S)


async def follow_keys(
    pool: asyncpg.Pool, kafka: KafkaAccess, topic: str, owner: str, ring: KeyRing,
    ready: asyncio.Event,
) -> None:  # fmt: skip
    """Keep this service's copies of `owner`'s keys (database and ring) as the topic says."""
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or {0}]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        live: dict[str, bytes] = {}
        tombstoned: set[str] = set()
        while await _behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if _from(owner, record.headers):
                        _take(live, tombstoned, record.key, record.value)
        ring.drop(tombstoned - set(live))
        await _replace(pool, owner, live, ring)
        ready.set()
        while True:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    if _from(owner, record.headers):
                        await _apply(pool, owner, ring, record.key, record.value)
    finally:
        await consumer.stop()


def _from(owner: str, headers: Sequence[tuple[str, bytes]]) -> bool:
    """Only the owner's keys count: anything else on its topic is ignored (issue 14)."""
    if dict(headers).get("ce_source") == source_of(owner).encode():
        return True
    log.warning("key_not_from_owner", owner=owner)
    return False


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


def _take(
    live: dict[str, bytes], tombstoned: set[str], key: bytes | None, value: bytes | None
) -> None:
    if key is None:
        return
    if value is None:
        live.pop(key.decode(), None)
        tombstoned.add(key.decode())
    elif len(value) == KEY_BYTES:
        live[key.decode()] = value


async def _replace(pool: asyncpg.Pool, owner: str, live: dict[str, bytes], ring: KeyRing) -> None:
    async with pool.acquire() as conn, conn.transaction():
        gone = await conn.fetch(
            "DELETE FROM kn_key_copies WHERE owner = $1 AND NOT key_id = ANY($2::text[]) "
            "RETURNING key_id",
            owner, list(live),
        )  # fmt: skip
        await conn.executemany(
            "INSERT INTO kn_key_copies (key_id, owner, key) VALUES ($1, $2, $3) "
            "ON CONFLICT (key_id) DO UPDATE SET key = excluded.key",
            [(key_id, owner, key) for key_id, key in live.items()],
        )
    ring.drop(row["key_id"] for row in gone)
    for key_id, key in live.items():
        ring.put(key_id, key)
    log.info("key_copies_replaced", owner=owner, keys=len(live), deleted=len(gone))


async def _apply(
    pool: asyncpg.Pool, owner: str, ring: KeyRing, key: bytes | None, value: bytes | None
) -> None:
    if key is None:
        return
    key_id = key.decode()
    if value is None:
        await pool.execute("DELETE FROM kn_key_copies WHERE key_id = $1", key_id)
        ring.drop([key_id])
    elif len(value) == KEY_BYTES:
        await pool.execute(
            "INSERT INTO kn_key_copies (key_id, owner, key) VALUES ($1, $2, $3) "
            "ON CONFLICT (key_id) DO UPDATE SET key = excluded.key",
            key_id, owner, value,
        )  # fmt: skip
        ring.put(key_id, value)
