"""The reporting service in a sandbox on real Kafka and PostgreSQL, fed the facts the other
services publish, on a clock the test sets."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode, source_of
from kn_contracts.topics import REPORTING_EVENTS, topic_of
from kn_reporting.bootstrap import create_app
from kn_reporting.settings import ReportingSettings
from kn_servicekit.kafka_access import KafkaAccess
from tests.meetings.service import _drop
from tests.support.kafka import produce, read_all
from tests.support.persons import appointed, as_person
from tests.support.service import Sandbox, running, sandbox
from tests.support.waiting import eventually

TOKENS = {"t-ekm": "ekm", "t-auditor": "auditor"}
EKM = {"Authorization": "Bearer t-ekm"}
AUDITOR = {"Authorization": "Bearer t-auditor"}
# persons the fixture makes the networks' coordinators from today (tests/support/persons)
COORDINATORS = {"aalborg-oest": "c-aalborg", "esbjerg": "c-esbjerg"}
AALBORG = as_person(COORDINATORS["aalborg-oest"])
ESBJERG = as_person(COORDINATORS["esbjerg"])


@dataclass
class Clock:
    """The service's clock: the test says what day it is in Copenhagen (noon)."""

    today: dt.date = dt.date(2026, 1, 20)

    def __call__(self) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(11), dt.UTC)


@dataclass
class Reporting:
    """A running reporting service, its sandbox and its clock."""

    client: httpx.AsyncClient
    box: Sandbox
    clock: Clock
    settings: ReportingSettings
    published: list[Event] = field(default_factory=list)

    async def publish(self, events: Sequence[Event]) -> None:
        """Put each fact on its owner's topic, keyed and sourced as its owner does."""
        by_topic: dict[str, list[Any]] = {}
        for event in events:
            key = getattr(event, "network_id", None) or "common"
            envelope = Envelope(
                str(uuid.uuid4()),
                source_of(type(event).owner),
                event.ce_type(),
                dt.datetime.now(dt.UTC),
                subject=key,
            )
            headers, value = encode(event, envelope)
            by_topic.setdefault(topic_of(event), []).append((key.encode(), headers, value))
        for topic, messages in by_topic.items():
            await produce(self.box.kafka, self.box.topic(topic), messages)
        self.published += events

    async def status(self, network: str, year: int, headers: dict[str, str] = EKM) -> Any:
        answer = await self.client.get(
            f"/v1/networks/{network}/annual-status/{year}", headers=headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def status_when(self, network: str, year: int, ready: Any) -> Any:
        """The status once `ready(status)` holds (the projection catches up)."""

        async def probe() -> Any:
            answer = await self.client.get(
                f"/v1/networks/{network}/annual-status/{year}", headers=EKM
            )
            return answer.json() if answer.status_code == 200 else None

        return await eventually(
            probe, lambda s: s is not None and ready(s), what=f"the {year} status of {network}"
        )

    async def reporting_events(self) -> list[Any]:
        records = await read_all(self.box.kafka, self.box.topic(REPORTING_EVENTS.name))
        return records


@asynccontextmanager
async def reporting_service(
    kafka: KafkaAccess, database_url: str, clock: Clock | None = None, **settings: Any
) -> AsyncIterator[Reporting]:
    """The whole service in-process; its schemas are dropped afterwards."""
    schema = f"reporting_{uuid.uuid4().hex[:10]}"
    now = clock or Clock()
    async with sandbox(kafka, database_url) as box:
        chosen = box.settings(ReportingSettings, TOKENS, schema)
        chosen = chosen.model_copy(update=settings)
        try:
            async with running(lambda s: create_app(s, now), chosen) as client:
                service = Reporting(client, box, now, chosen)
                for network_id, person_id in COORDINATORS.items():
                    await appointed(
                        lambda event: service.publish([event]), client, network_id, person_id
                    )
                service.published.clear()  # the tests' own facts only
                yield service
        finally:
            await _drop(database_url, schema)
