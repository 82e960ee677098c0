"""Processes the fault tests kill: a projection runner and a relay, on real infrastructure.

python -m tests.support.workers projection <bootstrap> <dsn> <topic> <schema>
python -m tests.support.workers relay <bootstrap> <dsn>
"""

from __future__ import annotations

import asyncio
import sys

import asyncpg
from aiokafka import AIOKafkaProducer

from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.runner import ProjectionRunner
from tests.support.ticks import CATALOG, TallyProjection


async def projection(bootstrap: str, dsn: str, topic: str, schema: str) -> None:
    """Run the tally projection until killed."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    runner = ProjectionRunner(
        pool=pool,
        bootstrap=bootstrap,
        projection=TallyProjection(topic),
        catalog=CATALOG,
        schema=schema,
        dead_letters=DeadLetters(producer, "tally"),
        # manual assignment: a restarted group member would wait out the dead one's session
        max_records=500,
    )
    await runner.run()


async def relay(bootstrap: str, dsn: str) -> None:
    """Relay the event table until killed, in small batches so a kill lands mid-stream."""
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=4)
    producer = make_producer(bootstrap, "kill-test-relay")
    await producer.start()
    await Relay(pool, producer, "/kvalitetsnet/test", batch_size=50).run()


def main(argv: list[str]) -> None:
    """Dispatch on the first argument."""
    kind, *args = argv
    if kind == "projection":
        asyncio.run(projection(*args))
    elif kind == "relay":
        asyncio.run(relay(*args))
    else:
        raise SystemExit(f"unknown worker {kind!r}: use projection or relay")


if __name__ == "__main__":
    main(sys.argv[1:])
