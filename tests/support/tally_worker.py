"""One worker of a kit rebuild in the tests: a TallyProjection of one topic, replaying the
share kn_servicekit.rebuild_workers gives it (`--into SCHEMA --partitions ...`), as a
service's `rebuild --into` does. Kafka from KN_KAFKA_* in the environment."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import asyncpg

from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.rebuild_workers import Done, parse_partitions, summary_line
from tests.support.runners import dead_letter_producer, runner
from tests.support.ticks import TallyProjection


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    for name in ("database", "topic", "name"):
        parser.add_argument(name)
    parser.add_argument("--into", required=True)
    parser.add_argument("--partitions", required=True)
    args = parser.parse_args(argv)
    env = os.environ
    kafka = KafkaAccess(
        env["KN_KAFKA_BOOTSTRAP"],
        env.get("KN_KAFKA_USERNAME"),
        env.get("KN_KAFKA_PASSWORD"),
        env.get("KN_KAFKA_CA_FILE"),
    )
    pool = await asyncpg.create_pool(args.database, min_size=1, max_size=2)
    try:
        async with dead_letter_producer(kafka) as producer:
            projection = TallyProjection(args.topic, name=args.name)
            worker = runner(pool, kafka, projection, producer, schema=args.into,
                            partitions=parse_partitions(args.partitions))  # fmt: skip
            await worker.run(until_caught_up=True)
    finally:
        await pool.close()
    sys.stdout.write(summary_line(Done(worker.consumed, worker.applied)) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
