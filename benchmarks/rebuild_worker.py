"""One worker of the kit's rebuild in N processes (benchmarks.rebuild_vs_raw): the bench
tally of one topic, for the share kn_servicekit.rebuild_workers gives it, as a service's
`rebuild --into SCHEMA --partitions ...` does. Kafka from KN_KAFKA_* in the environment.

    python -m benchmarks.rebuild_worker URL KIND TOPIC --into SCHEMA --partitions T:0,...
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from benchmarks.bench_events import KINDS, Tally
from kn_deploy.infra import kafka_from_env
from kn_servicekit.rebuild_workers import (
    parse_partitions,
    share_arguments,
    summary_line,
    work_share,
)
from kn_servicekit.tuning import tune_gc


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    for name in ("url", "kind", "topic"):
        parser.add_argument(name)
    share_arguments(parser)
    args = parser.parse_args(argv)
    done = await work_share(
        database_url=args.url, kafka=kafka_from_env(), consumer="bench",
        projection=Tally(args.topic), catalog=KINDS[args.kind].catalog,
        schema=args.into, share=parse_partitions(args.partitions),
    )  # fmt: skip
    sys.stdout.write(summary_line(done) + "\n")


if __name__ == "__main__":
    tune_gc()
    asyncio.run(main(sys.argv[1:]))
