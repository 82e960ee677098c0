"""Fixtures for the event-kit tests: a pool on a fresh schema and unique topics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from kn_deploy.pytest_plugin import unique
from kn_servicekit.db import create_pool
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.pgstore import create_schema
from tests.support.ticks import create_topic


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool whose connections work in a fresh schema with the event tables."""
    created = await create_pool(database, min_size=1, max_size=12)
    await create_schema(created)
    yield created
    await created.close()


@pytest.fixture
async def topic(kafka_admin: KafkaAccess) -> str:
    """A fresh three-partition topic with its dead-letter topic."""
    name = unique("kit")
    await create_topic(kafka_admin, name)
    return name
