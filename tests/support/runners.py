"""Building and driving projection runners in tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.projection import Cutoff, Projection
from kn_servicekit.runner import ProjectionRunner
from tests.support.ticks import CATALOG


@asynccontextmanager
async def dead_letter_producer(kafka: KafkaAccess) -> AsyncIterator[AIOKafkaProducer]:
    """A started producer for dead letters and redrives."""
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


def runner(
    pool: asyncpg.Pool,
    kafka: KafkaAccess,
    projection: Projection,
    producer: AIOKafkaProducer,
    *,
    schema: str | None = None,
    group_id: str | None = None,
    cutoff: Cutoff | None = None,
    kind: type[ProjectionRunner] = ProjectionRunner,
    live_name: str | None = None,
) -> ProjectionRunner:
    """A runner for `projection` in a new schema unless one is given."""
    return kind(
        pool=pool,
        kafka=kafka,
        projection=projection,
        catalog=CATALOG,
        schema=schema or f"p_{uuid.uuid4().hex[:10]}",
        dead_letters=DeadLetters(producer, projection.name),
        group_id=group_id,
        cutoff=cutoff,
        live_name=live_name,
    )


async def catch_up(runner: ProjectionRunner, within: float = 60.0) -> ProjectionRunner:
    """Run until the end offsets seen at start are consumed."""
    await asyncio.wait_for(runner.run(until_caught_up=True), within)
    return runner


class SlowDatabaseRunner(ProjectionRunner):
    """A runner whose database answers the stored-offsets question slowly, as a loaded one
    does: the group's committed offsets must not be used meanwhile."""

    async def seek_to_stored(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        await asyncio.sleep(1.0)
        await super().seek_to_stored(consumer, partitions)
