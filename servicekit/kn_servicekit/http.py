"""The HTTP side every service shares: lifespan for pool, broker and background loops."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from faststream.kafka import KafkaBroker
from pydantic import BaseModel

from kn_contracts.cpr import CprNumberRefused
from kn_servicekit import coordinators
from kn_servicekit.access_log import TraceRequests
from kn_servicekit.actors import Actor
from kn_servicekit.auth import current_actor, request_day
from kn_servicekit.db import create_pool
from kn_servicekit.docs import mount_docs
from kn_servicekit.errors import AccessDenied, ConcurrencyError, DomainError, KeyReusedError
from kn_servicekit.kafka_access import faststream_security
from kn_servicekit.limits import BodyLimit, EventTooLarge
from kn_servicekit.loopstate import LoopState, report
from kn_servicekit.metrics import CONTENT_TYPE as METRICS_TYPE
from kn_servicekit.metrics import HttpMetrics, Metrics, sample
from kn_servicekit.relay import make_producer
from kn_servicekit.settings import ServiceSettings
from kn_servicekit.supervise import supervise
from kn_servicekit.tokens import PersonTokens
from kn_servicekit.transient import TRANSIENT, Backoff
from kn_servicekit.unavailable import DATABASE_AWAY, database_away

Hook = Callable[["Resources"], Awaitable[None]]
SHUTDOWN_GRACE = 10.0  # seconds for connections still in use when the service stops
# A background loop: runs for the service's life and sets its event once it is working.
Loop = Callable[["Resources", asyncio.Event], Awaitable[None]]


@dataclass
class Resources:
    """What a running service holds open: database pool, Kafka broker and producer."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    producer: AIOKafkaProducer
    extras: dict[str, Any] = field(default_factory=dict)
    # set once broker and producer are connected: commands need only the database, so a
    # service starts (and takes commands into its outbox) while Kafka is away
    kafka_up: asyncio.Event = field(default_factory=asyncio.Event)
    metrics: Metrics | None = None  # the app's instruments (kn_servicekit.metrics)


def make_broker(settings: ServiceSettings, service: str) -> KafkaBroker:
    """The service's FastStream broker: idempotent producer, acks from all replicas."""
    return KafkaBroker(
        settings.kafka_bootstrap,
        security=faststream_security(settings.kafka),
        client_id=f"kn-{service}",
        enable_idempotence=True,
        acks="all",
        logger=structlog.get_logger("faststream"),
    )


def create_http_app(
    *,
    service: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter] = (),
    on_start: Sequence[Hook] = (),
    background: Mapping[str, Loop] | None = None,
    errors: Mapping[type[Exception], int] | None = None,
    coordinator_view: coordinators.ViewOf | None = None,
) -> FastAPI:
    """A FastAPI app whose lifespan opens pool, broker and producer, runs the service's
    start hooks, then keeps its background loops (relay, projections) running;
    `coordinator_view` is the service's own view of the coordinator history, which the
    access dependency (auth.require) asks whether a person coordinates a network."""
    log = structlog.get_logger(service)
    kafka = make_broker(settings, service)

    metrics = Metrics(service)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, min_size=2, max_size=12)
        producer = make_producer(settings.kafka, f"kn-{service}-relay")
        resources = Resources(
            settings=settings, pool=pool, broker=kafka, producer=producer, metrics=metrics
        )
        app.state.resources = resources
        tasks = [asyncio.create_task(_connect_kafka(resources, log, f"kn-{service}-relay"))]
        app.state.ready = {name: LoopState() for name in background or {}}
        try:
            for hook in on_start:
                await hook(resources)
            for name, loop in (background or {}).items():
                ready = app.state.ready[name]
                supervised = supervise(name, _bound(loop, resources, ready), state=ready)
                tasks.append(asyncio.create_task(supervised, name=name))
            log.info("service_started", http_port=settings.http_port, background=len(tasks))
            yield
        finally:
            # every step waited for SHUTDOWN_GRACE at most, and one that overruns named: a
            # Kafka client stopped mid-rebalance can wait for ever (aio-libs/aiokafka#773)
            for task in tasks:
                task.cancel()
            if tasks:
                _, stuck = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
                for task in stuck:
                    log.error("background_loop_stop_timed_out", loop=task.get_name(),
                              grace_seconds=SHUTDOWN_GRACE)  # fmt: skip
            if resources.kafka_up.is_set():
                await _within("kafka_producer", resources.producer.stop(), log)
                await _within("kafka_broker", kafka.stop(), log)
            try:
                await asyncio.wait_for(pool.close(), SHUTDOWN_GRACE)
            except TimeoutError:
                log.error("database_pool_close_timed_out", grace_seconds=SHUTDOWN_GRACE)
                pool.terminate()
            log.info("service_stopped")

    app = FastAPI(
        title=f"Kvalitetsnet {service}",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses=REFUSALS,
    )
    mount_docs(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(HttpMetrics, metrics=metrics)  # a refusal is counted too
    app.add_middleware(TraceRequests)  # outermost: every answer in its trace, logged once
    app.state.metrics = metrics
    app.state.actors = settings.actors()
    app.state.person_tokens = PersonTokens(settings.token_public_keys())
    app.state.service = service
    if coordinator_view is not None:
        coordinators.provide(app.state, coordinator_view)
    if not app.state.actors and not app.state.person_tokens.configured:
        log.warning("no_api_tokens", hint=f"set KN_{service.upper()}_API_TOKENS; every call is 401")
    # the most specific class in an error's MRO wins: a service maps its own subclasses
    statuses: dict[type[Exception], int] = {
        ConcurrencyError: 409,
        KeyReusedError: 422,
        DomainError: 422,
        AccessDenied: 403,
        EventTooLarge: 413,
        CprNumberRefused: 422,
    }
    statuses.update(errors or {})
    for error, status in statuses.items():
        app.add_exception_handler(error, _answer_with(status))
    for away in DATABASE_AWAY:
        app.add_exception_handler(away, database_away)

    @app.get("/health", tags=["operations"])
    async def health(request: Request) -> JSONResponse:
        """Whether the service reaches its database and Kafka."""
        resources: Resources = request.app.state.resources
        checks = {
            "database": await _check_database(resources.pool),
            "kafka": await _check_kafka(resources),
        }
        healthy = all(value == "ok" for value in checks.values())
        body = {"service": service, "pid": os.getpid(),  # which process holds the port
                "status": "ok" if healthy else "degraded", "checks": checks}  # fmt: skip
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/ready", tags=["operations"])
    async def ready(request: Request) -> JSONResponse:
        """Whether every background loop (relay, projections, feeds) works now; each one
        that does not is named with its problem (crashed, retrying, stopped and why, or
        Kafka unreachable: a loop with nothing to do would not notice)."""
        states: dict[str, LoopState] = request.app.state.ready
        resources: Resources = request.app.state.resources
        loops, problems = report(states, await _check_kafka(resources) if states else "ok")
        body = {"service": service, "pid": os.getpid(), "ready": loops, "problems": problems}
        return JSONResponse(body, status_code=200 if all(loops.values()) else 503)

    @app.get("/metrics", tags=["operations"], response_class=Response)
    async def metrics_text(request: Request) -> Response:
        """Prometheus metrics: HTTP requests, projections' lag and work, the relay's backlog."""
        resources: Resources = request.app.state.resources
        try:
            await sample(metrics, resources.pool, settings.kafka)
        except (OSError, asyncpg.PostgresError, KafkaError) as exc:  # the rest still shows
            log.warning("metrics_sample_failed", error=repr(exc))
        return Response(metrics.render(), media_type=METRICS_TYPE)

    @app.get("/whoami", tags=["operations"])
    async def whoami(
        request: Request, actor: Annotated[Actor, Depends(current_actor)]
    ) -> dict[str, Any]:
        """Who your bearer token names: a service's role, or a person and the networks
        they coordinate today in this service's view of EKM's confirmed history."""
        answer: dict[str, Any] = {
            "actor": str(actor), "role": actor.role, "network_id": actor.network_id,
            "person_id": actor.person_id, "coordinates": [],
        }  # fmt: skip
        if actor.person_id is not None and hasattr(request.app.state, coordinators.VIEW):
            view = await coordinators.view(request)
            answer["coordinates"] = await coordinators.networks_of(
                view, actor.person_id, request_day(request)
            )
        return answer

    for router in routers:
        app.include_router(router)
    return app


def _bound(loop: Loop, resources: Resources, ready: asyncio.Event) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await loop(resources, ready)

    return run


class Problem(BaseModel):
    """Why a request was refused, and the DOMAIN rule it follows (None: no rule applies)."""

    detail: str
    rule: str | None = None


def _problem(text: str) -> dict[str, Any]:
    return {"model": Problem, "description": text}


# every route may answer these; each names its rule and what to fix (422 from a request that
# breaks a route's schema is FastAPI's: `detail` lists each field and what is wrong with it)
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: _problem("No bearer token, or one this service does not know"),
    403: _problem("The token's role may not do this (e.g. another network's coordinator)"),
    404: _problem("What the path names is not known"),
    409: _problem("It clashes with what is recorded (an id used twice, a lost race)"),
    413: _problem("The body, or the event it would make, is too large"),
}


def _answer_with(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def answer(_: Request, exc: Exception) -> JSONResponse:
        body = {"detail": str(exc), "rule": getattr(exc, "rule", None)}
        return JSONResponse(body, status_code=status)

    return answer


async def _connect_kafka(
    resources: Resources, log: structlog.stdlib.BoundLogger, client_id: str
) -> None:
    """Start broker and producer, again and again until Kafka answers; then let the loops go."""
    backoff = Backoff(cap=10.0)
    while True:
        try:
            # the producer first: a failed start of it leaves nothing open behind
            await resources.producer.start()
            await resources.broker.start()
        except TRANSIENT as exc:
            delay = backoff.next()
            log.warning("kafka_unreachable", error=repr(exc), retry_in=delay)
            with contextlib.suppress(Exception):  # a producer that failed to start is spent
                await resources.producer.stop()
            resources.producer = make_producer(resources.settings.kafka, client_id)
            await asyncio.sleep(delay)
            continue
        resources.kafka_up.set()
        log.info("kafka_connected")
        return


async def _check_kafka(resources: Resources) -> str:
    if not resources.kafka_up.is_set():
        return "unreachable: not connected yet"
    return "ok" if await resources.broker.ping(timeout=3.0) else "unreachable"


async def _check_database(pool: asyncpg.Pool) -> str:
    try:
        await pool.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError) as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


async def _within(what: str, stopping: Awaitable[object], log: Any) -> None:
    """Await a client's stop for SHUTDOWN_GRACE at most; past that, say so and go on."""
    try:
        await asyncio.wait_for(stopping, SHUTDOWN_GRACE)
    except TimeoutError:
        log.error("stop_timed_out", what=what, grace_seconds=SHUTDOWN_GRACE)
