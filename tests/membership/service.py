"""The membership service running in a sandbox, and the region feed it reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode
from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kafka import produce
from tests.support.service import Sandbox, running, sandbox
from tests.support.waiting import eventually

TOKENS = {
    "t-ekm": "ekm",
    "t-auditor": "auditor",
}
EKM = {"Authorization": "Bearer t-ekm"}
REGION_SOURCE = "/region/nordjylland"


@dataclass
class Membership:
    """A running membership service and the sandbox around it."""

    box: Sandbox
    http: httpx.AsyncClient
    schema: str = ""  # the service's own schema (its event store, kn_projection_live)

    @property
    def feed_topic(self) -> str:
        return self.box.topic("kn.region.ydernummer")

    async def publish(self, change: Event) -> str:
        """Publish a region change as a region system would; return its ce_id."""
        event_id = str(uuid.uuid4())
        key = str(getattr(change, "ydernummer", getattr(change, "seller_ydernummer", "")))
        envelope = Envelope(
            event_id, REGION_SOURCE, change.ce_type(), dt.datetime.now(dt.UTC), subject=key
        )
        headers, value = encode(change, envelope)
        await produce(self.box.kafka, self.feed_topic, [(key.encode(), headers, value)])
        return event_id

    async def members(self, network: str, on: dt.date, **params: Any) -> list[str]:
        answer = await self.http.get(
            f"/v1/networks/{network}/members", headers=EKM, params={"on": on.isoformat(), **params}
        )
        assert answer.status_code == 200, answer.text
        return [m["name"] for m in answer.json()["members"]]

    async def eventually_members(self, network: str, on: dt.date, expected: list[str]) -> None:
        await eventually(
            lambda: self.members(network, on),
            lambda names: names == expected,
            what=f"members of {network} on {on} == {expected}",
        )

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.http.post(path, json=body, headers={**EKM, **headers})


@asynccontextmanager
async def membership_service(kafka: KafkaAccess, database_url: str) -> AsyncIterator[Membership]:
    """A fresh membership service with network aalborg-oest in cluster aalborg."""
    async with sandbox(kafka, database_url) as box:
        schema = f"m_{uuid.uuid4().hex[:10]}"
        settings = box.settings(MembershipSettings, TOKENS, schema)
        async with running(create_app, settings) as http:
            service = Membership(box, http, schema)
            answer = await service.post(
                "/v1/networks",
                {
                    "network_id": "aalborg-oest",
                    "name": "Aalborg Øst",
                    "cluster_id": "aalborg",
                    "effective_date": "2025-01-01",
                },
            )
            assert answer.status_code == 201, answer.text
            yield service
