"""A service started while Kafka is away takes commands, publishes them once it is back, and
catches up with what its consumers missed meanwhile."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest

from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.service import EKM, TOKENS
from tests.support.kafka import read_all
from tests.support.outage import region_opens
from tests.support.private_infra import free_port
from tests.support.service import sandbox
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
RENAMES = 20


@asynccontextmanager
async def kafka_door(port: int, kafka: str) -> AsyncIterator[None]:
    """Opens `port` onto the real Kafka for as long as it is held (a kafka address:
    once connected, clients follow the broker's advertised address)."""
    host, kafka_port = kafka.rsplit(":", 1)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def forward(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(host, int(kafka_port))
        await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w))

    server = await asyncio.start_server(forward, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def test_a_service_started_while_kafka_is_away_takes_commands_and_publishes_them_later(
    kafka_admin: KafkaAccess, test_database_url: str
) -> None:
    port = free_port()
    async with sandbox(kafka_admin, test_database_url) as box:
        schema = f"m_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(test_database_url)
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        await admin.close()
        settings = box.settings(MembershipSettings, TOKENS, schema).model_copy(
            update={"kafka_bootstrap": f"127.0.0.1:{port}"}  # nothing listens there yet
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://m") as http,
        ):
            health = await http.get("/health")
            assert health.status_code == 503
            assert health.json()["checks"]["kafka"].startswith("unreachable")
            ready = await http.get("/ready")
            assert ready.status_code == 503
            assert "waiting for Kafka" in ready.json()["problems"]["relay"]
            created = await http.post("/v1/networks", headers=EKM, json={
                "network_id": "aalborg-oest", "name": "Aalborg Øst", "cluster_id": "aalborg",
                "effective_date": "2025-01-01"})  # fmt: skip
            assert created.status_code == 201, created.text
            for n in range(RENAMES):
                renamed = await http.patch(
                    "/v1/clusters/aalborg", headers=EKM, json={"name": f"Aalborg {n}"}
                )
                assert renamed.status_code == 201, renamed.text
            # what the region reports meanwhile waits on Kafka for the feed
            await region_opens(kafka_admin, box.topic("kn.region.ydernummer"), "100088")

            async with kafka_door(port, kafka_admin.bootstrap):
                await eventually(lambda: http.get("/ready"), lambda r: r.status_code == 200,
                                 what="ready once Kafka is back", within=60)  # fmt: skip
                topic = box.topic("kn.membership.events")
                records = await eventually(
                    lambda: read_all(kafka_admin, topic),
                    lambda found: any(b"NetworkCreated" in dict(r.headers)["ce_type"]
                                      for r in found),
                    what="the network, published after the outage",
                )  # fmt: skip
                waiting = await eventually(
                    lambda: http.get("/v1/awaiting-assignment", headers=EKM,
                                     params={"on": "2025-01-01"}),
                    lambda r: [row["name"] for row in r.json()] == ["Ruth Holm"],
                    what="the region's report, read once Kafka is back",
                )  # fmt: skip
                records = await eventually(
                    lambda: read_all(kafka_admin, topic),
                    lambda found: sum(b"ClusterRenamed" in dict(r.headers)["ce_type"]
                                      for r in found) >= RENAMES,
                    what="every rename, published after the outage",
                )  # fmt: skip
        created_once = [r for r in records if b"NetworkCreated" in dict(r.headers)["ce_type"]]
        assert len(created_once) == 1
        renames = [r for r in records if b"ClusterRenamed" in dict(r.headers)["ce_type"]]
        names = [json.loads(r.value)["name"] for r in renames]
        assert names == [f"Aalborg {n}" for n in range(RENAMES)]  # once each, in order
        assert waiting.status_code == 200
