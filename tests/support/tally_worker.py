"""One worker of a kit rebuild in the tests: a TallyProjection of one topic, replaying the
share kn_servicekit.rebuild_workers gives it (`--into SCHEMA --partitions ...`), as a
service's `rebuild --into` does. Kafka from KN_KAFKA_* in the environment."""

from __future__ import annotations

import argparse
import asyncio
import sys

from kn_deploy.infra import kafka_from_env
from kn_servicekit.rebuild_workers import (
    parse_partitions,
    share_arguments,
    summary_line,
    work_share,
)
from tests.support.ticks import CATALOG, TallyProjection


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    for name in ("database", "topic", "name"):
        parser.add_argument(name)
    share_arguments(parser)
    args = parser.parse_args(argv)
    done = await work_share(
        database_url=args.database, kafka=kafka_from_env(), consumer="tally",
        projection=TallyProjection(args.topic, name=args.name), catalog=CATALOG,
        schema=args.into, share=parse_partitions(args.partitions),
    )  # fmt: skip
    sys.stdout.write(summary_line(done) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
