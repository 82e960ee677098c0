"""Fixtures for the reporting service's end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kn_deploy import infra
from tests.reporting.service import Reporting, reporting_service


@pytest.fixture
async def service(endpoints: infra.Endpoints) -> AsyncIterator[Reporting]:
    """A running reporting service in its own database, topics and schema."""
    async with reporting_service(endpoints.kafka(), endpoints.databases["reporting"]) as running:
        yield running
