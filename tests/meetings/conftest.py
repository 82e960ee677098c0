"""Fixtures for the meetings service's end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kn_deploy import infra
from tests.meetings.service import Running, meetings_service


@pytest.fixture
async def service(endpoints: infra.Endpoints) -> AsyncIterator[Running]:
    """A running meetings service with its own topics and a fresh schema.

    It lives in meetings' own database, as in production: the kit's relay elects one
    leader per database, so in the shared test database it would wait for any other
    service's sandbox that runs at the same time.
    """
    database = endpoints.databases["meetings"]
    async with meetings_service(endpoints.kafka(), database) as running:
        yield running
