"""The HTTP side every service shares: lifespan for pool and broker, health, whoami."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker

from kn_servicekit.auth import Actor, current_actor
from kn_servicekit.settings import ServiceSettings

Hook = Callable[["Resources"], Awaitable[None]]


@dataclass
class Resources:
    """What a running service holds open: its database pool and its Kafka broker."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    extras: dict[str, Any] = field(default_factory=dict)


def make_broker(settings: ServiceSettings, service: str) -> KafkaBroker:
    """The service's FastStream broker: idempotent producer, acks from all replicas."""
    return KafkaBroker(
        settings.kafka_bootstrap,
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
    on_stop: Sequence[Hook] = (),
    broker: KafkaBroker | None = None,
) -> FastAPI:
    """A FastAPI app whose lifespan opens the pool and broker and runs the service's hooks."""
    log = structlog.get_logger(service)
    kafka = broker or make_broker(settings, service)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10)
        await kafka.start()
        resources = Resources(settings=settings, pool=pool, broker=kafka)
        app.state.resources = resources
        for hook in on_start:
            await hook(resources)
        log.info("service_started", http_port=settings.http_port)
        try:
            yield
        finally:
            for hook in reversed(on_stop):
                await hook(resources)
            await kafka.stop()
            await pool.close()
            log.info("service_stopped")

    app = FastAPI(title=f"Kvalitetsnet {service}", version="1", lifespan=lifespan)
    app.state.actors = settings.actors()
    app.state.service = service
    if not app.state.actors:
        log.warning("no_api_tokens", hint=f"set KN_{service.upper()}_API_TOKENS; every call is 401")

    @app.get("/health", tags=["operations"])
    async def health(request: Request) -> JSONResponse:
        """Whether the service reaches its database and Kafka."""
        resources: Resources = request.app.state.resources
        checks = {
            "database": await _check_database(resources.pool),
            "kafka": "ok" if await resources.broker.ping(timeout=3.0) else "unreachable",
        }
        healthy = all(value == "ok" for value in checks.values())
        body = {"service": service, "status": "ok" if healthy else "degraded", "checks": checks}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/whoami", tags=["operations"])
    async def whoami(actor: Annotated[Actor, Depends(current_actor)]) -> dict[str, str | None]:
        """The role your bearer token carries."""
        return {"actor": str(actor), "role": actor.role, "network_id": actor.network_id}

    for router in routers:
        app.include_router(router)
    return app


async def _check_database(pool: asyncpg.Pool) -> str:
    try:
        await pool.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError) as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"
