"""A tiny event and projection for testing the event kit: counters that must add up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.envelope import Envelope, encode
from kn_servicekit.db import Connection
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.projection import Delivery


class Tick(Event):
    """Add `amount` to `counter`."""

    owner: ClassVar[str] = "test"
    counter: str
    amount: int


CATALOG = Catalog([Tick])


def tick(counter: str, amount: int = 1, day: dt.date = dt.date(2025, 3, 1)) -> Tick:
    """A Tick with fixed bookkeeping fields."""
    return Tick(
        effective_date=day,
        actor="test",
        causation_id="test",
        correlation_id="test",
        counter=counter,
        amount=amount,
    )


def tick_message(
    event_id: str,
    event: Tick,
    *,
    recorded: dt.datetime | None = None,
    position: tuple[str, int] | None = None,
) -> tuple[list[tuple[str, bytes]], bytes]:
    """Headers and value of a Tick; with `position` (log, sequence) as a relay publishes it,
    without as another system (a region's, kcat) would."""
    log, sequence = position or (None, None)
    envelope = Envelope(
        id=event_id,
        source="/kvalitetsnet/test",
        type=Tick.ce_type(),
        time=recorded or dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC),
        subject=event.counter,
        sequence=sequence,
        log=log,
    )
    return encode(event, envelope)


class TallyProjection:
    """Sums per counter. Increments are not idempotent, so double delivery would show."""

    topics: tuple[str, ...]

    def __init__(self, topic: str, *, refuse_negative: bool = True, name: str = "tally") -> None:
        self.name = name
        self.topics = (topic,)
        self.refuse_negative = refuse_negative

    async def create(self, conn: Connection) -> None:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS tally (
                   counter text PRIMARY KEY, events integer NOT NULL, total bigint NOT NULL)"""
        )

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        # a batch folds in memory first: one row per counter goes to the database
        change: dict[str, list[int]] = {}
        for delivery in batch:
            event = delivery.event
            if isinstance(event, Tick):
                if event.amount < 0 and self.refuse_negative:
                    raise ValueError("a tally never goes down: negative amount")
                sums = change.get(event.counter)
                if sums is None:
                    change[event.counter] = [1, event.amount]
                else:
                    sums[0] += 1
                    sums[1] += event.amount
        await conn.execute(
            """INSERT INTO tally (counter, events, total)
               SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
               ON CONFLICT (counter) DO UPDATE
               SET events = tally.events + excluded.events, total = tally.total + excluded.total""",
            list(change),
            [events for events, _ in change.values()],
            [total for _, total in change.values()],
        )


async def tallies(pool: asyncpg.Pool, schema: str) -> dict[str, tuple[int, int]]:
    """counter → (events, total) as the projection holds them in `schema`."""
    rows = await pool.fetch(f'SELECT counter, events, total FROM "{schema}".tally')
    return {row["counter"]: (row["events"], row["total"]) for row in rows}


async def create_topic(kafka: KafkaAccess, name: str, partitions: int = 3) -> None:
    """A topic and its dead-letter topic, as the registry's topics are created."""
    admin = AIOKafkaAdminClient(**kafka_options(kafka))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1), NewTopic(name + ".dlq", 1, 1)])
    finally:
        await admin.close()
