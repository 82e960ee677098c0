"""Which deliveries a projection applies: relayed events by their log's position, other
CloudEvents by (ce_source, ce_id), redriven letters only where they were dead-lettered.

First the pure judgement (kn_servicekit.admission), then the store and the runner on the
real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import asyncpg
import pytest

from kn_contracts.envelope import Envelope
from kn_servicekit import admission_store
from kn_servicekit.admission import Lookups, Stored, Verdict, admit, lookups
from kn_servicekit.db import Connection
from kn_servicekit.deadletter_inbox import read_letters, redrive
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.projection import Delivery
from tests.support.kafka import produce
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, Tick, tallies, tick, tick_message
from tests.support.waiting import eventually

APPLY, REPEATED_POSITION, REPEATED_ID, NOT_HELD = (
    Verdict.APPLY, Verdict.REPEATED_POSITION, Verdict.REPEATED_ID, Verdict.NOT_HELD
)  # fmt: skip

EVENTS = "kn.membership.events"
REGION = "kn.region.ydernummer"
LOG = "membership-2025"  # membership's event store; a restored or new database is a new log
NORDJYLLAND = "/region/nordjylland"
WHEN = dt.datetime(2025, 3, 12, 17, tzinfo=dt.UTC)


def relayed(position: int, *, offset: int, partition: int = 0, log: str = LOG) -> Delivery:
    """An event as membership's relay publishes it: position `position` of `log`."""
    envelope = Envelope(
        id=f"evt-{log}-{position}",
        source="/kvalitetsnet/membership",
        type=Tick.ce_type(),
        time=WHEN,
        sequence=position,
        log=log,
    )
    return Delivery(EVENTS, partition, offset, envelope, tick("aalborg-oest"))


def from_region(ce_id: str, *, offset: int, source: str = NORDJYLLAND) -> Delivery:
    """A region system's CloudEvent: an id of its own, no log position."""
    envelope = Envelope(id=ce_id, source=source, type=Tick.ce_type(), time=WHEN)
    return Delivery(REGION, 0, offset, envelope, tick("100042"))


def test_relayed_events_above_their_logs_high_water_mark_are_applied_and_raise_it() -> None:
    judged = admit(
        [relayed(42, offset=100), relayed(43, offset=101)], Stored(highs={(LOG, EVENTS, 0): 41})
    )
    assert judged.verdicts == [APPLY, APPLY]
    assert judged.raised == {(LOG, EVENTS, 0): 43}


def test_a_relayed_repeat_at_or_below_the_high_water_mark_is_skipped() -> None:
    batch = [relayed(41, offset=200), relayed(42, offset=201), relayed(43, offset=202)]
    judged = admit(batch, Stored(highs={(LOG, EVENTS, 0): 42}))
    assert judged.verdicts == [REPEATED_POSITION, REPEATED_POSITION, APPLY]
    assert judged.raised == {(LOG, EVENTS, 0): 43}


def test_a_tail_republished_within_one_batch_is_applied_once() -> None:
    # a relay restarted after publishing 2 and 3 without recording them publishes them again
    positions = [1, 2, 3, 2, 3, 4]
    batch = [relayed(position, offset=n) for n, position in enumerate(positions)]
    judged = admit(batch, Stored())
    assert judged.verdicts == [APPLY, APPLY, APPLY, REPEATED_POSITION, REPEATED_POSITION, APPLY]
    assert judged.raised == {(LOG, EVENTS, 0): 4}


def test_high_water_marks_are_kept_per_log_and_per_partition() -> None:
    batch = [
        relayed(7, offset=300, partition=0),
        relayed(7, offset=80, partition=1),
        relayed(7, offset=301, partition=0, log="membership-2026-restored"),
    ]
    judged = admit(batch, Stored(highs={(LOG, EVENTS, 0): 50, (LOG, EVENTS, 1): 6}))
    assert judged.verdicts == [REPEATED_POSITION, APPLY, APPLY]
    assert judged.raised == {(LOG, EVENTS, 1): 7, ("membership-2026-restored", EVENTS, 0): 7}


def test_a_batch_of_repeats_raises_no_mark() -> None:
    judged = admit([relayed(9, offset=5), relayed(10, offset=6)], Stored({(LOG, EVENTS, 0): 10}))
    assert judged.verdicts == [REPEATED_POSITION, REPEATED_POSITION]
    assert judged.raised == {}


def test_a_region_message_is_applied_once_by_its_source_and_id() -> None:
    batch = [
        from_region("nordjylland-2025-000041", offset=10),  # applied in an earlier batch
        from_region("nordjylland-2025-000042", offset=11),
        from_region("nordjylland-2025-000042", offset=12),  # the region sent it twice
    ]
    judged = admit(batch, Stored(claimed={(NORDJYLLAND, "nordjylland-2025-000041")}))
    assert judged.verdicts == [REPEATED_ID, APPLY, REPEATED_ID]
    assert judged.raised == {}


def test_the_same_id_from_another_source_is_another_message() -> None:
    other_region = from_region("2025-000042", offset=13, source="/region/midtjylland")
    judged = admit([other_region], Stored(claimed={(NORDJYLLAND, "2025-000042")}))
    assert judged.verdicts == [APPLY]


def test_a_redriven_letter_is_applied_only_by_the_projection_that_holds_it() -> None:
    # position 3 was dead-lettered at offset 12; the redriven copy arrived at offset 57
    copy = relayed(3, offset=57)
    redriven = {(EVENTS, 0, 57): (EVENTS, 0, 12)}
    past_it = {(LOG, EVENTS, 0): 40}
    holder = admit([copy], Stored(highs=past_it, held={(EVENTS, 0, 12)}), redriven)
    other = admit([copy], Stored(highs=past_it), redriven)
    # judged by the letter, not by its position: the mark is long past 3 and stays put
    assert (holder.verdicts, holder.raised) == ([APPLY], {})
    assert (other.verdicts, other.raised) == ([NOT_HELD], {})


def test_a_redriven_region_message_is_applied_though_its_id_was_claimed() -> None:
    # the feed claimed it when it first failed; EKM redrives it after assigning the clinic
    copy = from_region("nordjylland-2025-000043", offset=90)
    judged = admit(
        [copy],
        Stored(claimed={(NORDJYLLAND, "nordjylland-2025-000043")}, held={(REGION, 0, 14)}),
        {(REGION, 0, 90): (REGION, 0, 14)},
    )
    assert judged.verdicts == [APPLY]


def test_two_copies_of_one_redrive_are_applied_once() -> None:
    # an operator's double click sends the letter back twice
    copies = [relayed(3, offset=57), relayed(3, offset=58)]
    redriven = {(EVENTS, 0, 57): (EVENTS, 0, 12), (EVENTS, 0, 58): (EVENTS, 0, 12)}
    judged = admit(copies, Stored(held={(EVENTS, 0, 12)}), redriven)
    assert judged.verdicts == [APPLY, NOT_HELD]


def test_admission_asks_the_store_about_what_it_judges_by_and_nothing_more() -> None:
    batch = [
        relayed(5, offset=1, partition=0),
        relayed(6, offset=2, partition=0),
        relayed(5, offset=3, partition=1),
        from_region("nordjylland-2025-000044", offset=4),
        relayed(3, offset=57),  # a redriven copy: neither its position nor its id is asked
    ]
    asked = lookups(batch, {(EVENTS, 0, 57): (EVENTS, 0, 12)})
    assert asked == Lookups(
        logs={(LOG, EVENTS, 0), (LOG, EVENTS, 1)},
        claims={(NORDJYLLAND, "nordjylland-2025-000044")},
        letters={(EVENTS, 0, 12)},
    )
    assert lookups([]) == Lookups()


@pytest.mark.infra
async def test_a_second_runner_on_the_partition_waits_and_judges_by_what_the_first_committed(
    pool: asyncpg.Pool,
) -> None:
    asked = Lookups(logs={(LOG, EVENTS, 0)}, claims={(NORDJYLLAND, "nordjylland-2025-000045")})
    async with pool.acquire() as first, pool.acquire() as second:
        await first.execute(admission_store.TABLES)
        async with first.transaction():
            # a log seen for the first time: its mark is created in this transaction
            assert await admission_store.take(first, asked) == Stored(highs={(LOG, EVENTS, 0): -1})
            await admission_store.finish(first, {}, {(LOG, EVENTS, 0): 12})
            waiting = asyncio.create_task(_take_in_a_transaction(second, asked))
            pid = second.get_server_pid()
            await eventually(
                lambda: pool.fetchval(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1", pid
                ),
                lambda event: event == "Lock",
                what="the second runner waiting for the first's batch",
            )
        assert await waiting == Stored(
            highs={(LOG, EVENTS, 0): 12}, claimed={(NORDJYLLAND, "nordjylland-2025-000045")}
        )


async def _take_in_a_transaction(conn: Connection, asked: Lookups) -> Stored:
    async with conn.transaction():
        return await admission_store.take(conn, asked)


Message = tuple[bytes, list[tuple[str, bytes]], bytes]


def on_kafka(log: str, position: int, counter: str, amount: int) -> Message:
    """A Tick on Kafka as a relay publishes it: its own id, and its log and position."""
    headers, value = tick_message(
        str(uuid.uuid4()), tick(counter, amount), position=(log, position)
    )
    return counter.encode(), headers, value


@pytest.mark.infra
async def test_a_relayed_event_published_again_counts_once_without_a_row_per_event(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    first = [on_kafka("log-1", n, "a", n) for n in range(1, 6)]
    # a relay restarted after publishing 3..5 without recording them publishes them again
    await produce(kafka_admin, topic, [*first, *first[2:], on_kafka("log-1", 6, "a", 6)])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (6, 21)}
    assert (done.consumed, done.applied) == (9, 6)
    # what it remembers is a high-water mark per log and partition, not every event
    assert await pool.fetchval(f'SELECT count(*) FROM "{done.schema}".kn_seen') == 0
    assert await pool.fetchval(f'SELECT count(*) FROM "{done.schema}".kn_sequences') == 1


@pytest.mark.infra
async def test_a_new_event_log_is_applied_from_its_first_position(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    # a service on a new database starts a new log; its positions start low again
    old = [on_kafka("log-old", n, "a", 1) for n in (100, 101)]
    new = [on_kafka("log-new", n, "a", 10) for n in (1, 2)]
    foreign_key, foreign_headers, foreign_value = (
        b"a", *tick_message(str(uuid.uuid4()), tick("a", 1000))
    )  # fmt: skip
    foreign = (foreign_key, foreign_headers, foreign_value)
    await produce(kafka_admin, topic, [*old, foreign, *new, foreign])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    # both logs in full, and the region-style message (no position) once by its id
    assert await tallies(pool, done.schema) == {"a": (5, 1022)}


@pytest.mark.infra
async def test_a_redrive_is_applied_once_and_only_by_the_projection_that_dead_lettered_it(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    events = [
        on_kafka("log-1", 1, "a", 2),
        on_kafka("log-1", 2, "a", -1),
        on_kafka("log-1", 3, "a", 4),
    ]
    await produce(kafka_admin, topic, events)
    strict_schema, lenient_schema = (f"p_{uuid.uuid4().hex[:10]}" for _ in range(2))
    async with dead_letter_producer(kafka_admin) as producer:
        strict = TallyProjection(topic, name="strict")
        lenient = TallyProjection(topic, refuse_negative=False, name="lenient")
        await catch_up(runner(pool, kafka_admin, strict, producer, schema=strict_schema))
        await catch_up(runner(pool, kafka_admin, lenient, producer, schema=lenient_schema))
        assert await tallies(pool, strict_schema) == {"a": (2, 6)}
        assert await tallies(pool, lenient_schema) == {"a": (3, 5)}

        [dead] = await read_letters(kafka_admin, topic)
        assert dead.consumer == "strict"
        await redrive(producer, topic, [dead])
        await redrive(producer, topic, [dead])  # an operator's double click: two copies

        fixed = TallyProjection(topic, refuse_negative=False, name="strict")
        await catch_up(runner(pool, kafka_admin, fixed, producer, schema=strict_schema))
        await catch_up(runner(pool, kafka_admin, lenient, producer, schema=lenient_schema))
        # a projection built afresh reads the first copy itself and skips the redrives
        rebuilt = await catch_up(runner(pool, kafka_admin, fixed, producer))
    assert await tallies(pool, strict_schema) == {"a": (3, 5)}
    assert await tallies(pool, lenient_schema) == {"a": (3, 5)}
    assert await tallies(pool, rebuilt.schema) == {"a": (3, 5)}
