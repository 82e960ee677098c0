"""The finance service in a sandbox on real Kafka and PostgreSQL, fed as meetings and
membership would feed it."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, decode, encode, source_of
from kn_contracts.topics import (
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    catalog,
)
from kn_finance.bootstrap import create_app
from kn_finance.settings import FinanceSettings
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kafka import produce, read_all
from tests.support.persons import appointed, as_person
from tests.support.service import Sandbox, running, sandbox
from tests.support.waiting import eventually

TOKENS = {"t-ekm": "ekm", "t-auditor": "auditor"}
EKM = {"Authorization": "Bearer t-ekm"}
# persons the fixture makes the networks' coordinators from today (tests/support/persons)
COORDINATORS = {"aalborg-oest": "c-aalborg", "esbjerg": "c-esbjerg"}
AALBORG = as_person(COORDINATORS["aalborg-oest"])
ESBJERG = as_person(COORDINATORS["esbjerg"])
AUDITOR = {"Authorization": "Bearer t-auditor"}
JANUARY_2026 = dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Finance:
    """A running finance service: its HTTP client, sandbox and settings."""

    http: httpx.AsyncClient
    box: Sandbox
    settings: FinanceSettings
    schema: str

    async def publish(self, service: str, *events: Event) -> None:
        """Put another service's events on its topic, keyed by network, as it would."""
        topic = {"membership": MEMBERSHIP_EVENTS, "meetings": MEETINGS_EVENTS}[service]
        messages = []
        for event in events:
            network = str(getattr(event, "network_id", None) or "none")
            envelope = Envelope(
                str(uuid.uuid4()),
                source_of(service),
                event.ce_type(),
                dt.datetime.now(dt.UTC),
                subject=network,
            )
            headers, value = encode(event, envelope)
            messages.append((network.encode(), headers, value))
        await produce(self.box.kafka, self.box.topic(topic.name), messages)

    async def payouts(self) -> list[Event]:
        records = await read_all(self.box.kafka, self.box.topic(FINANCE_PAYOUTS.name))
        return [decode(r.headers, r.value, catalog())[1] for r in records]

    async def post(self, path: str, body: Any, headers: dict[str, str] = EKM) -> httpx.Response:
        return await self.http.post(path, json=body, headers=headers)

    async def get(self, path: str, headers: dict[str, str] = EKM, **params: Any) -> Any:
        answer = await self.http.get(path, headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def invoice_until(self, network: str, invoice_id: str, status: str) -> Any:
        return await eventually(
            lambda: self.get(f"/v1/networks/{network}/invoices/{invoice_id}"),
            lambda view: view["status"] == status,
            what=f"invoice {invoice_id} {status}",
        )


@asynccontextmanager
async def finance_service(
    kafka: KafkaAccess, database_url: str, clock: dt.datetime = JANUARY_2026, **env: str
) -> AsyncIterator[Finance]:
    """The whole service in-process (its clock fixed); its schemas are dropped afterwards."""
    schema = f"finance_{uuid.uuid4().hex[:10]}"
    async with sandbox(kafka, database_url) as box:
        settings = box.settings(FinanceSettings, TOKENS, schema)
        if env:
            settings = settings.model_copy(update=env)
        app = functools.partial(create_app, clock=lambda: clock)
        try:
            async with running(app, settings) as client:
                service = Finance(client, box, settings, schema)
                publish = functools.partial(service.publish, "membership")
                for network_id, person_id in COORDINATORS.items():
                    await appointed(publish, client, network_id, person_id)
                yield service
        finally:
            await drop_schemas(database_url, schema)


async def drop_schemas(database_url: str, schema: str) -> None:
    """Drop the service's schema and every projection schema it made."""
    conn = await asyncpg.connect(database_url)
    try:
        live = await conn.fetch(f'SELECT schema_name FROM "{schema}".kn_projection_live')
        for name in [*(row["schema_name"] for row in live), schema]:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()
