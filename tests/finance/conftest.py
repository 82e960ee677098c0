"""Fixtures for the finance service's end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kn_deploy import infra
from tests.finance.service import Finance, finance_service


@pytest.fixture
async def finance(endpoints: infra.Endpoints) -> AsyncIterator[Finance]:
    """A running finance service with its own topics, in finance's own database."""
    database = endpoints.databases["finance"]
    async with finance_service(endpoints.kafka(), database) as running:
        yield running
