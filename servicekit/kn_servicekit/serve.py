"""A service's command line: serve (HTTP and Kafka side in one process under uvicorn), or
rebuild one of its read models from the log while the service runs."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import uvicorn
from aiokafka import TopicPartition
from fastapi import FastAPI

from kn_contracts.catalog import Catalog
from kn_servicekit import trace
from kn_servicekit.hosting import consumer_name
from kn_servicekit.logging import configure_logging
from kn_servicekit.progress import Progress, extent
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild import Rebuilt, rebuild_live
from kn_servicekit.rebuild_workers import (
    Done,
    connected,
    parse_partitions,
    share_arguments,
    summary_line,
    work_share,
    worker_command,
)
from kn_servicekit.settings import ServiceSettings
from kn_servicekit.tuning import tune_gc

S = TypeVar("S", bound=ServiceSettings)

ReadModels = Mapping[str, Callable[[S], tuple[Projection, Catalog]]]
"""The read models an operator may rebuild, by name: each built from the settings."""


def command_line(
    service: str,
    settings: Callable[[], S],
    create_app: Callable[[S], FastAPI],
    read_models: ReadModels[S],
    argv: Sequence[str] | None = None,
) -> int:
    """`kn-<service> [serve]` or `kn-<service> rebuild <read model>`; returns the exit code."""
    parser = argparse.ArgumentParser(prog=f"kn-{service}", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve HTTP and the Kafka side (the default)")
    rebuild = commands.add_parser(
        "rebuild",
        help="replay a read model from offset 0 into a fresh schema, then switch readers to it",
    )
    rebuild.add_argument("read_model", help=f"one of: {', '.join(read_models) or '(none)'}")
    rebuild.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="replay in N processes, the partitions shared out (default: "
        f"KN_{service.upper()}_REBUILD_WORKERS or 1)",
    )  # fmt: skip
    share_arguments(rebuild, required=False)
    args = parser.parse_args(argv)
    if args.command == "rebuild":
        if args.read_model not in read_models:
            parser.error(
                f"{service} has no read model {args.read_model!r}; "
                f"it has: {', '.join(read_models) or 'none'}"
            )
        if (args.into is None) != (args.partitions is None):
            parser.error("--into and --partitions come together: one worker's share")
        if args.workers is not None and args.workers < 1:
            parser.error(f"--workers {args.workers}: give 1 or more")
        share = None
        if args.partitions is not None:
            try:
                share = parse_partitions(args.partitions)
            except ValueError as exc:
                parser.error(str(exc))
        chosen = settings()
        configure_logging(service, chosen.log_level)
        # a replay of history logs no line per event (kn_servicekit.trace): the bar counts
        logging.getLogger(trace.LOGGER).setLevel(logging.WARNING)
        tune_gc()  # a replay makes objects by the million, as a running service does
        projection, catalog = read_models[args.read_model](chosen)
        if args.into is not None and share is not None:
            worked = asyncio.run(
                _replay_share(service, chosen, projection, catalog, args.into, share)
            )
            sys.stdout.write(summary_line(worked) + "\n")
            return 0
        workers = args.workers or chosen.rebuild_workers
        command = worker_command(service, args.read_model)
        done = asyncio.run(_rebuild(service, chosen, projection, catalog, workers, command))
        sys.stdout.write(
            f"rebuilt {done.projection}: {done.consumed} message(s) read, {done.applied} applied"
            + (f" by {workers} workers" if workers > 1 else "")
            + f"\nreaders now use schema {done.schema}; the service's live runner follows it"
            f"\nprevious schema {done.previous} is kept; drop it when nobody needs it\n"
        )
        return 0
    serve(service, settings(), create_app)
    return 0


async def _rebuild(
    service: str,
    settings: ServiceSettings,
    projection: Projection,
    catalog: Catalog,
    workers: int,
    command: Sequence[str],
) -> Rebuilt:
    async with connected(settings.database_url, settings.kafka) as (pool, producer):
        total = await extent(settings.kafka, projection.topics)
        return await rebuild_live(
            pool=pool,
            kafka=settings.kafka,
            producer=producer,
            consumer=consumer_name(service, projection),
            projection=projection,
            catalog=catalog,
            now=dt.datetime.now(dt.UTC),
            progress=Progress(total, f"rebuild {projection.name}", "messages"),
            workers=workers,
            command=command,
        )


async def _replay_share(
    service: str,
    settings: ServiceSettings,
    projection: Projection,
    catalog: Catalog,
    schema: str,
    share: Sequence[TopicPartition],
) -> Done:
    """One worker of a rebuild (`--into SCHEMA --partitions ...`)."""
    return await work_share(
        database_url=settings.database_url,
        kafka=settings.kafka,
        consumer=consumer_name(service, projection),
        projection=projection,
        catalog=catalog,
        schema=schema,
        share=share,
    )


def serve(service: str, settings: S, create_app: Callable[[S], FastAPI]) -> None:
    """Configure logging, build the app from settings and serve it until SIGTERM."""
    configure_logging(service, settings.log_level)
    app = create_app(settings)
    tune_gc()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
