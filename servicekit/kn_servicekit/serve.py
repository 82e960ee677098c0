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

import asyncpg
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from kn_contracts.catalog import Catalog
from kn_servicekit import trace
from kn_servicekit.hosting import consumer_name
from kn_servicekit.kafka_access import kafka_options
from kn_servicekit.logging import configure_logging
from kn_servicekit.progress import Progress, extent
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild import Rebuilt, rebuild_live
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
    args = parser.parse_args(argv)
    if args.command == "rebuild":
        if args.read_model not in read_models:
            parser.error(
                f"{service} has no read model {args.read_model!r}; "
                f"it has: {', '.join(read_models) or 'none'}"
            )
        chosen = settings()
        configure_logging(service, chosen.log_level)
        # a replay of history logs no line per event (kn_servicekit.trace): the bar counts
        logging.getLogger(trace.LOGGER).setLevel(logging.WARNING)
        projection, catalog = read_models[args.read_model](chosen)
        done = asyncio.run(_rebuild(service, chosen, projection, catalog))
        sys.stdout.write(
            f"rebuilt {done.projection}: {done.consumed} message(s) read, {done.applied} applied"
            f"\nreaders now use schema {done.schema}; the service's live runner follows it"
            f"\nprevious schema {done.previous} is kept; drop it when nobody needs it\n"
        )
        return 0
    serve(service, settings(), create_app)
    return 0


async def _rebuild(
    service: str, settings: ServiceSettings, projection: Projection, catalog: Catalog
) -> Rebuilt:
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    producer = AIOKafkaProducer(**kafka_options(settings.kafka), acks="all")
    try:
        await producer.start()
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
        )
    finally:
        await producer.stop()
        await pool.close()


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
