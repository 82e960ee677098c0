"""One worker of a kit rebuild in the tests: a TallyProjection of one topic, replaying the
share kn_servicekit.rebuild_workers gives it (`--into SCHEMA --partitions ...`), as a
service's `rebuild --into` does. Kafka from KN_KAFKA_* in the environment."""

from __future__ import annotations

import argparse
import asyncio
import sys

import asyncpg

from kn_deploy.infra import kafka_from_env
from kn_servicekit.rebuild_workers import (
    parse_partitions,
    replay_share,
    share_arguments,
    summary_line,
)
from tests.support.runners import dead_letter_producer
from tests.support.ticks import CATALOG, TallyProjection


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    for name in ("database", "topic", "name"):
        parser.add_argument(name)
    share_arguments(parser)
    args = parser.parse_args(argv)
    kafka = kafka_from_env()
    pool = await asyncpg.create_pool(args.database, min_size=1, max_size=2)
    try:
        async with dead_letter_producer(kafka) as producer:
            done = await replay_share(
                pool=pool, kafka=kafka, producer=producer, consumer="tally",
                projection=TallyProjection(args.topic, name=args.name), catalog=CATALOG,
                schema=args.into, share=parse_partitions(args.partitions),
            )  # fmt: skip
    finally:
        await pool.close()
    sys.stdout.write(summary_line(done) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
