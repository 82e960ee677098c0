"""The relay: publishes appended events to Kafka in position order, then records how far.

A crash between publishing and recording re-publishes only that unrecorded tail. Each event
carries its log and position (ce_knlog, ce_sequence), so consumers know a repeat by its
position alone. A failed attempt the relay lives through (Kafka stopped, the database
restarted between publishing and recording) repeats nothing: the next attempt leaves out
what Kafka took of it, with a fresh producer. One relay per database publishes at a time (an
advisory lock elects it), so a second replica waits instead of duplicating work.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from kn_servicekit.db import Connection, check_lead, session_of_its_own, wait_to_lead
from kn_servicekit.errors import EventLogBehind
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.loopstate import say_failing
from kn_servicekit.pgstore import EVENT_TABLE_KEY, notify_channel
from kn_servicekit.refusals import STOPPED_RECHECK, PublishRefused
from kn_servicekit.relay_guard import highest_sequence
from kn_servicekit.relay_send import Sender
from kn_servicekit.transient import TRANSIENT, Backoff, passes

# One relay per event table publishes: a session lock keyed by the table, as appends are.
RELAY_LOCK = 0x6B6E_0002
log = structlog.get_logger("relay")


def make_producer(kafka: KafkaAccess, client_id: str) -> AIOKafkaProducer:
    """An idempotent producer waiting for all in-sync replicas: no loss, no reordering."""
    return AIOKafkaProducer(
        **kafka_options(kafka),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=0,  # a batch of sends is batched anyway; a lone event goes at once
    )


class Relay:
    """Moves the event table to Kafka; run one per service."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        source: str,
        *,
        name: str = "kafka",
        batch_size: int = 500,
        poll_interval: float = 1.0,
        kafka: KafkaAccess | None = None,
        renew: Callable[[], AIOKafkaProducer] | None = None,
    ) -> None:
        self._pool = pool
        # `renew` given: a failed send gets a fresh producer (relay_send.py says why)
        self._sender = Sender(producer, source, kafka, renew)
        self._name = name
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._log: str | None = None
        self._kafka = kafka  # given: check the store is not behind Kafka first, and
        # after a failed attempt, what of it Kafka holds already

    async def run(self, ready: asyncio.Event | None = None) -> None:
        """Publish until cancelled; a database or Kafka failure is retried with backoff.
        What Kafka refuses for good stops the log: it is not retried as if it would pass;
        `ready` says why, and it is tried again only every STOPPED_RECHECK seconds (after
        an operator's fix, e.g. a larger message.max.bytes, it goes on by itself)."""
        backoff, state = Backoff(), ready or asyncio.Event()
        try:
            while True:
                try:
                    await self._serve(state, backoff)
                except PublishRefused as exc:
                    log.error("relay_stopped", error=str(exc), retry_in=STOPPED_RECHECK)
                    say_failing(state, f"stopped: {exc}")
                    await asyncio.sleep(STOPPED_RECHECK)
                except TRANSIENT as exc:
                    if not passes(exc):
                        raise
                    delay = backoff.next()
                    log.warning("relay_retrying", error=repr(exc), retry_in=delay)
                    say_failing(state, f"retrying in {delay}s: {exc!r}")
                    await asyncio.sleep(delay)
        finally:
            await self._sender.stop()

    async def _serve(self, ready: asyncio.Event, backoff: Backoff) -> None:
        """Lead (or wait as standby), then publish: woken by NOTIFY and by a slow poll."""
        wake = asyncio.Event()

        def on_notify(*_: object) -> None:
            wake.set()

        async with session_of_its_own(self._pool) as listener:  # LISTEN, a session lock
            await self._become_leader(listener, ready)
            channel = await notify_channel(listener)
            await listener.add_listener(channel, on_notify)
            try:
                if self._kafka is not None:
                    await self.check_not_behind(self._kafka)
                while True:
                    check_lead(listener)
                    wake.clear()
                    published = await self.publish_pending()
                    ready.set()  # leading, and publishing works
                    backoff.reset()
                    if published == self._batch_size:
                        continue  # more is waiting
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self._poll_interval)
            finally:
                await listener.remove_listener(channel, on_notify)
                await listener.execute(
                    f"SELECT pg_advisory_unlock($1, {EVENT_TABLE_KEY})", RELAY_LOCK
                )

    async def _become_leader(self, conn: Connection, ready: asyncio.Event) -> None:
        def standing_by() -> None:
            ready.set()  # a standby, connected and ready to take over
            log.info("relay_waiting_for_leadership")

        await wait_to_lead(conn, RELAY_LOCK, EVENT_TABLE_KEY, self._poll_interval, standing_by)

    async def check_not_behind(self, kafka: KafkaAccess) -> None:
        """Refuse to publish from a store whose positions are behind its own log on Kafka
        (an event store restored from a backup): consumers would take new events that reuse
        published positions for repeats and skip them."""
        async with self._pool.acquire() as conn:
            log_name = await self._log_name(conn)
            topics = [row[0] for row in await conn.fetch("SELECT DISTINCT topic FROM kn_events")]
            last = await conn.fetchval("SELECT last_value FROM kn_event_position")
        published = await highest_sequence(kafka, topics, log_name) if topics else 0
        if published > last:
            log.error("event_store_behind_kafka", log=log_name, published=published, store=last)
            raise EventLogBehind(
                f"event log {log_name} has position {published} on Kafka but this store "
                f"has reached only {last}: restored from a backup? Events after {last} are on "
                f"Kafka only. Once settled, give new events new positions with "
                f"SELECT setval('kn_event_position', {published}) (as the database's owner role) "
                "and restart."
            )

    async def publish_pending(self) -> int:
        """Publish one batch after the recorded position; return how many were published."""
        async with self._pool.acquire() as conn:
            log_name = await self._log_name(conn)
            # the recorded position and the batch after it in one round trip (a standby
            # taking over reads the position its leader recorded, as before)
            found = await conn.fetch(
                """SELECT p.done, e.*
                   FROM (SELECT coalesce((SELECT position FROM kn_relay_progress
                                          WHERE relay = $1), 0) AS done) AS p
                   LEFT JOIN LATERAL (
                       SELECT position, event_id, stream_id, topic, kafka_key, ce_type,
                              payload, recorded_at, traceparent
                       FROM kn_events WHERE position > p.done
                       ORDER BY position LIMIT $2) AS e ON true
                   ORDER BY e.position""",
                self._name,
                self._batch_size,
            )
            done: int = found[0]["done"]
            rows = [row for row in found if row["position"] is not None]
            if not rows:
                return 0
            await self._sender.send(rows, log_name, done)
            await conn.execute(
                """INSERT INTO kn_relay_progress (relay, position) VALUES ($1, $2)
                   ON CONFLICT (relay) DO UPDATE
                   SET position = greatest(kn_relay_progress.position, excluded.position)""",
                self._name,
                rows[-1]["position"],
            )
        self._sender.recorded()
        log.debug("relay_published", count=len(rows), position=rows[-1]["position"])
        return len(rows)

    async def _log_name(self, conn: Connection) -> str:
        """This store's event log (read once: it never changes)."""
        if self._log is None:
            self._log = str(await conn.fetchval("SELECT log FROM kn_event_log"))
        return self._log
