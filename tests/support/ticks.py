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
    event_id: str, event: Tick, *, recorded: dt.datetime | None = None
) -> tuple[list[tuple[str, bytes]], bytes]:
    """Headers and value of a Tick as the relay would publish it."""
    envelope = Envelope(
        id=event_id,
        source="/kvalitetsnet/test",
        type=Tick.ce_type(),
        time=recorded or dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC),
        subject=event.counter,
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
        ticks = [d.event for d in batch if isinstance(d.event, Tick)]
        if self.refuse_negative and any(t.amount < 0 for t in ticks):
            raise ValueError("a tally never goes down: negative amount")
        await conn.execute(
            """INSERT INTO tally (counter, events, total)
               SELECT counter, count(*), sum(amount)
               FROM unnest($1::text[], $2::bigint[]) AS t(counter, amount) GROUP BY counter
               ON CONFLICT (counter) DO UPDATE
               SET events = tally.events + excluded.events, total = tally.total + excluded.total""",
            [t.counter for t in ticks],
            [t.amount for t in ticks],
        )


async def tallies(pool: asyncpg.Pool, schema: str) -> dict[str, tuple[int, int]]:
    """counter → (events, total) as the projection holds them in `schema`."""
    rows = await pool.fetch(f'SELECT counter, events, total FROM "{schema}".tally')
    return {row["counter"]: (row["events"], row["total"]) for row in rows}


async def create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    """A topic and its dead-letter topic, as the registry's topics are created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1), NewTopic(name + ".dlq", 1, 1)])
    finally:
        await admin.close()
