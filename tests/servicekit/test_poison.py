"""No single message stops a loop: hostile headers become dead letters with the reason."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from kn_servicekit.deadletter_inbox import read_letters
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kafka import produce
from tests.support.runners import catch_up, dead_letter_producer, runner
from tests.support.ticks import TallyProjection, tallies, tick, tick_message

pytestmark = pytest.mark.infra


def message(amount: int, *extra: tuple[str, bytes], position: tuple[str, int] | None = None
            ) -> tuple[bytes, list[tuple[str, bytes]], bytes]:  # fmt: skip
    headers, value = tick_message(str(uuid.uuid4()), tick("a", amount), position=position)
    return b"a", [*headers, *extra], value


async def test_a_malformed_kn_origin_is_a_dead_letter_not_a_crash_loop(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    forged = message(100, ("kn_origin", b"not-an-origin"))
    await produce(kafka_admin, topic, [forged, message(2)])
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (1, 2)}
    [letter] = await read_letters(kafka_admin, topic)
    assert (
        letter.letter.reason == "redrive: kn_origin b'not-an-origin' is not topic/partition/offset"
    )


async def test_a_position_beyond_any_event_log_is_a_dead_letter_and_hides_nothing(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess, topic: str
) -> None:
    log = str(uuid.uuid4())
    beyond = message(100, position=(log, 2**63))
    await produce(kafka_admin, topic, [message(1, position=(log, 1)), beyond,
                                           message(2, position=(log, 2))])  # fmt: skip
    async with dead_letter_producer(kafka_admin) as producer:
        done = await catch_up(runner(pool, kafka_admin, TallyProjection(topic), producer))
    assert await tallies(pool, done.schema) == {"a": (2, 3)}
    [letter] = await read_letters(kafka_admin, topic)
    assert "beyond any event log's positions" in letter.letter.reason
