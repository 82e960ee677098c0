"""What an operator sees of a service at `/metrics` (Prometheus text format, prometheus-
client): HTTP requests by route and status with latency; per projection its consumer lag
(the partition's end offset minus the offset it stored), events applied, dead letters and
batch durations; the relay's backlog (appended minus published).

One registry per service app, so two apps in one process (tests) keep their own figures.
"""

from __future__ import annotations

import time

import asyncpg
from aiokafka import AIOKafkaConsumer
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kn_servicekit.kafka import partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BATCH = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class Metrics:
    """The service's instruments, registered in its own registry."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "kn_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "kn_http_request_seconds", "Time to answer an HTTP request", ["method", "route"],
            registry=r,
        )  # fmt: skip
        self.applied = Counter(
            "kn_projection_events_applied", "Events a projection applied", ["projection"],
            registry=r,
        )  # fmt: skip
        self.letters = Counter(
            "kn_projection_dead_letters", "Messages a projection dead-lettered", ["projection"],
            registry=r,
        )  # fmt: skip
        self.batch = Histogram(
            "kn_projection_batch_seconds", "Time to write one batch", ["projection"],
            buckets=_BATCH, registry=r,
        )  # fmt: skip
        self.lag = Gauge(
            "kn_projection_lag", "End offset minus the offset the projection stored",
            ["projection", "topic", "partition"], registry=r,
        )  # fmt: skip
        self.relay_backlog = Gauge(
            "kn_relay_backlog", "Events appended and not yet published", registry=r
        )
        self.topics: dict[str, tuple[str, ...]] = {}  # projection -> the topics it reads

    def render(self) -> bytes:
        return generate_latest(self.registry)


class HttpMetrics:
    """ASGI middleware counting each request by its route's template (not its path, so a
    network id or a date never becomes a label) and status, and timing it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, sent)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "?")
            self._metrics.requests.labels(method, route, str(status)).inc()
            self._metrics.latency.labels(method, route).observe(time.perf_counter() - started)


async def sample(metrics: Metrics, pool: asyncpg.Pool, kafka: KafkaAccess) -> None:
    """Set the gauges a scrape reads from the state itself: each live projection's lag per
    partition of the topics it reads (Kafka's end offset minus the offset it stored, 0 when
    none is stored yet) and the relay's backlog (last position appended minus published)."""
    async with pool.acquire() as conn:
        appended = await conn.fetchval("SELECT coalesce(max(position), 0) FROM kn_events")
        published = await conn.fetchval("SELECT coalesce(max(position), 0) FROM kn_relay_progress")
        metrics.relay_backlog.set(max(appended - published, 0))
        live = await conn.fetch("SELECT projection, schema_name FROM kn_projection_live")
        stored: dict[str, dict[tuple[str, int], int]] = {}
        for row in live:
            if row["projection"] not in metrics.topics:
                continue
            rows = await conn.fetch(
                f'SELECT topic, partition, next_offset FROM "{row["schema_name"]}".kn_offsets'
            )
            stored[row["projection"]] = {
                (o["topic"], o["partition"]): o["next_offset"] for o in rows
            }
    topics = sorted({topic for name in stored for topic in metrics.topics[name]})
    if not topics:
        return
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [tp for topic in topics for tp in await partitions_of(consumer, topic)]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    for projection, kept in stored.items():
        mine = set(metrics.topics[projection])
        for tp, end in ends.items():
            if tp.topic in mine:
                behind = end - kept.get((tp.topic, tp.partition), 0)
                metrics.lag.labels(projection, tp.topic, str(tp.partition)).set(max(behind, 0))
