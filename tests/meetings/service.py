"""The meetings service in a sandbox on real Kafka and PostgreSQL, and how tests feed it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import httpx
from aiokafka.structs import ConsumerRecord

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, decode, encode, source_of
from kn_contracts.events.membership import MemberJoined
from kn_contracts.topics import MEETINGS_EVENTS, MEMBERSHIP_EVENTS, REPORTING_EVENTS, catalog
from kn_meetings.bootstrap import create_app
from kn_meetings.settings import MeetingsSettings
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kafka import Message, produce, read_all
from tests.support.persons import appointed, as_person
from tests.support.sealed import opened
from tests.support.service import Sandbox, running, sandbox

TOKENS = {"t-ekm": "ekm", "t-auditor": "auditor"}
EKM = {"Authorization": "Bearer t-ekm"}
# persons the fixture makes the networks' coordinators from today (tests/support/persons)
COORDINATORS = {"aalborg-oest": "c-aalborg", "esbjerg": "c-esbjerg"}
AALBORG = as_person(COORDINATORS["aalborg-oest"])
ESBJERG = as_person(COORDINATORS["esbjerg"])


@dataclass(frozen=True)
class Running:
    """A running meetings service: its HTTP client and its sandbox."""

    client: httpx.AsyncClient
    box: Sandbox
    settings: MeetingsSettings

    async def publish_membership(self, *events: Event, event_id: str | None = None) -> None:
        """Put membership's events on the sandbox's membership topic, as membership would
        (with `event_id`, one event with that ce_id)."""
        await produce(self.box.kafka, self.box.topic(MEMBERSHIP_EVENTS.name),
                      [membership_message(e, event_id) for e in events])  # fmt: skip

    async def publish_reporting(self, *events: Event) -> None:
        """Put reporting's events on the sandbox's reporting topic, as reporting would."""
        await produce(self.box.kafka, self.box.topic(REPORTING_EVENTS.name),
                      [membership_message(e, owner="reporting") for e in events])  # fmt: skip

    async def meetings_records(self) -> list[ConsumerRecord]:
        return await read_all(self.box.kafka, self.box.topic(MEETINGS_EVENTS.name))

    async def meetings_events(self) -> list[Event]:
        """Every event the service published so far, decoded with our contracts."""
        found = [decode(r.headers, r.value, catalog())[1] for r in await self.meetings_records()]
        return await opened(self.settings.database_url, found)  # names as a person sees them


def membership_message(
    event: Event, event_id: str | None = None, owner: str = "membership"
) -> Message:
    network = getattr(event, "network_id", None) or "none"
    envelope = Envelope(
        id=event_id or str(uuid.uuid4()),
        source=source_of(owner),
        type=event.ce_type(),
        time=dt.datetime.now(dt.UTC),
        subject=network,
    )
    headers, value = encode(event, envelope)
    return network.encode(), headers, value


def joined(person: str, name: str, ydernummer: str, on: dt.date, network: str = "aalborg-oest",
           clinic: str = "nord") -> MemberJoined:  # fmt: skip
    return MemberJoined(
        effective_date=on, actor="region", causation_id=f"feed-{person}",
        correlation_id=f"feed-{person}", network_id=network, person_id=person, name=name,
        ydernummer=ydernummer, clinic_id=f"klinik-{clinic}", clinic_name=f"Klinik {clinic.title()}",
        role="owner", reason="region_feed",
    )  # fmt: skip


@asynccontextmanager
async def meetings_service(kafka: KafkaAccess, database_url: str) -> AsyncIterator[Running]:
    """The whole service in-process; its schemas are dropped afterwards."""
    schema = f"meetings_{uuid.uuid4().hex[:10]}"
    async with sandbox(kafka, database_url) as box:
        settings = box.settings(MeetingsSettings, TOKENS, schema)
        try:
            async with running(create_app, settings) as client:
                service = Running(client, box, settings)
                for network_id, person_id in COORDINATORS.items():
                    await appointed(service.publish_membership, client, network_id, person_id)
                yield service
        finally:
            await _drop(database_url, schema)


async def _drop(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        views: Sequence[asyncpg.Record] = await conn.fetch(
            f'SELECT schema_name FROM "{schema}".kn_projection_live'
        )
        for name in [*(v["schema_name"] for v in views), schema]:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()
