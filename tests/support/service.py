"""Run a whole service in-process on the real Kafka and PostgreSQL, for end-to-end tests.

Each run gets a fresh schema (its own event store and projections) and a unique topic
prefix, so tests share the cluster without seeing each other's events.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import asyncpg
import httpx
from fastapi import FastAPI

from kn_contracts.topics import TOPICS
from kn_deploy import infra
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import ServiceSettings
from kn_servicekit.topics import ensure_topics
from tests.support.kafka import drop_topics, grant_sandbox
from tests.support.persons import PUBLIC_KEY
from tests.support.waiting import eventually

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Sandbox:
    """Where one test's services live: a topic prefix and a database schema per service."""

    kafka: KafkaAccess  # the admin: what the tests' own producers and readers use
    database_url: str
    prefix: str

    def access(self, user: str) -> KafkaAccess:
        """How principal `user` reaches the broker (its own credentials when secured)."""
        return infra.endpoints().kafka(user) if self.kafka.secured else self.kafka

    def env(self, service: str) -> dict[str, str]:
        """A service process's Kafka settings in this sandbox, as its own principal."""
        return infra.kafka_env(self.access(service)) | {"KN_TOPIC_PREFIX": self.prefix}

    def settings(self, cls: type[S], tokens: Mapping[str, str], schema: str) -> S:
        """Settings for a service in this sandbox, connecting as the service's principal."""
        service = str(cls.model_config.get("env_prefix", "")).removeprefix("KN_").rstrip("_")
        return cls.model_validate(
            {
                **self.env(service.lower()),
                "database_url": f"{self.database_url}?search_path={schema}",
                "api_tokens": dict(tokens),
                "KN_TOKEN_PUBLIC_KEY": PUBLIC_KEY,  # persons' tokens (tests/support/persons)
            }
        )

    def topic(self, name: str) -> str:
        """A registered topic's name in this sandbox."""
        return self.prefix + name


@asynccontextmanager
async def sandbox(kafka: KafkaAccess, database_url: str) -> AsyncIterator[Sandbox]:
    """A unique topic prefix with every registered topic created under it, and (on a
    secured broker) every principal's ACLs on them (kn_deploy.acls)."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    box = Sandbox(kafka, database_url, prefix)
    await ensure_topics(kafka, TOPICS, prefix=prefix)
    granted = await grant_sandbox(kafka, prefix)
    try:
        yield box
    finally:
        await drop_topics(kafka, prefix, granted)


@asynccontextmanager
async def running(
    create_app: Callable[[S], FastAPI], settings: S
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app with its lifespan (relay, projections) and an HTTP client to it."""
    schema = settings.database_url.rsplit("search_path=", 1)[1]
    admin = await asyncpg.connect(settings.database_url.split("?")[0])
    await admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    await admin.close()
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service"
        ) as client,
    ):
        # as an orchestrator would: traffic only once every background loop works (and a
        # service is never stopped while its Kafka clients are still starting)
        await eventually(
            lambda: client.get("/ready"), lambda answer: answer.status_code == 200, what="/ready"
        )
        yield client
