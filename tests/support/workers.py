"""Processes the fault tests kill: a projection runner and a relay, on real infrastructure.

python -m tests.support.workers projection <dsn> <topic> <schema>
python -m tests.support.workers relay <dsn>
(Kafka and the principal from KN_KAFKA_BOOTSTRAP, KN_KAFKA_USERNAME, ... as a service's.)
"""

from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaProducer

from kn_servicekit.db import create_pool
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.runner import ProjectionRunner
from kn_servicekit.settings import ServiceSettings
from tests.support.ticks import CATALOG, TallyProjection


async def projection(kafka: KafkaAccess, dsn: str, topic: str, schema: str) -> None:
    """Run the tally projection until killed."""
    pool = await create_pool(dsn, min_size=1, max_size=4)
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
    await producer.start()
    runner = ProjectionRunner(
        pool=pool,
        kafka=kafka,
        projection=TallyProjection(topic),
        catalog=CATALOG,
        schema=schema,
        dead_letters=DeadLetters(producer, "tally"),
        # manual assignment: a restarted group member would wait out the dead one's session
        max_records=500,
    )
    await runner.run()


async def relay(kafka: KafkaAccess, dsn: str) -> None:
    """Relay the event table until killed, in small batches so a kill lands mid-stream."""
    pool = await create_pool(dsn, min_size=2, max_size=4)
    producer = make_producer(kafka, "kill-test-relay")
    await producer.start()
    await Relay(pool, producer, "/kvalitetsnet/test", batch_size=50).run()


def main(argv: list[str]) -> None:
    """Dispatch on the first argument."""
    kind, *args = argv
    kafka = ServiceSettings.model_validate({"database_url": "", "http_port": 0}).kafka
    if kind == "projection":
        asyncio.run(projection(kafka, *args))
    elif kind == "relay":
        asyncio.run(relay(kafka, *args))
    else:
        raise SystemExit(f"unknown worker {kind!r}: use projection or relay")


if __name__ == "__main__":
    main(sys.argv[1:])
