"""The pieces a service's composition root plugs into its lifespan: tables, relay, projections."""

from __future__ import annotations

import asyncio
from functools import partial

from kn_contracts.catalog import Catalog
from kn_contracts.envelope import source_of
from kn_servicekit import idempotency, roles
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.http import Loop, Resources
from kn_servicekit.loopstate import say_failing
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild import follow_live
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.runner import ProjectionRunner

DERIVED_BATCH = 5000  # records a read model takes in one transaction


async def create_tables(resources: Resources) -> None:
    """The event store and relay progress tables (as the owner role, when the settings name
    one: roles.py) and the idempotency table (idempotent)."""
    await roles.create_event_tables(resources.pool, resources.settings.owner_database_url)
    async with resources.pool.acquire() as conn:
        await conn.execute(idempotency.SCHEMA)


def relay(service: str) -> Loop:
    """Publish the service's appended events to Kafka for as long as it runs."""

    async def run(resources: Resources, ready: asyncio.Event) -> None:
        await _kafka_connected(resources, ready)
        kafka = resources.settings.kafka
        await Relay(
            resources.pool,
            resources.producer,
            source_of(service),
            kafka=kafka,
            renew=partial(make_producer, kafka, f"kn-{service}-relay"),
        ).run(ready)

    return run


def consumer_name(service: str, projection: Projection) -> str:
    """Who a projection is to Kafka and in dead letters, e.g. meetings.membership_view."""
    return f"{service}.{projection.name}"


def projection(service: str, read_model: Projection, catalog: Catalog) -> Loop:
    """Keep a projection's live schema following its topics, in the service's group."""

    async def run(resources: Resources, ready: asyncio.Event) -> None:
        await _kafka_connected(resources, ready)
        settings = resources.settings
        consumer = consumer_name(service, read_model)

        def runner(schema: str) -> ProjectionRunner:
            return ProjectionRunner(
                pool=resources.pool,
                kafka=settings.kafka,
                projection=read_model,
                catalog=catalog,
                schema=schema,
                dead_letters=DeadLetters(resources.producer, consumer),
                group_id=settings.topic_prefix + consumer,
                live_name=read_model.name,
                metrics=resources.metrics,
                # a command consumer appends to the event store, which takes the append lock
                # until its transaction commits: one message a transaction, so commands of
                # people never wait behind a backlog of the feed
                max_records=DERIVED_BATCH if getattr(read_model, "derived", True) else 1,
            )

        await follow_live(resources.pool, runner, read_model.name, ready)

    return run


async def _kafka_connected(resources: Resources, ready: asyncio.Event) -> None:
    """Wait for the service's Kafka connection (the event table keeps commands meanwhile)."""
    if not resources.kafka_up.is_set():
        say_failing(ready, "waiting for Kafka: commands are kept in the outbox meanwhile")
        await resources.kafka_up.wait()
