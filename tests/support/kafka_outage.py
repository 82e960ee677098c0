"""Kafka stopped under traffic: a membership process takes renames while its broker (one of
the caller's own, never the suite's shared one) is stopped with SIGTERM for `down` seconds
and started again on the same data; then what reached Kafka is counted. The test runs it
for 30 s, `benchmarks/outage.py` for longer."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from kn_deploy import kafka
from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.outage import Published, Traffic, membership_process, published, ready_status
from tests.support.waiting import eventually

TOPIC = "kn.membership.events"
Sample = tuple[float, int, dict[str, object]]  # when, /ready's status, its body


@dataclass(frozen=True)
class KafkaOutage:
    """What happened: the traffic, what Kafka holds of it, /ready throughout, and when."""

    traffic: Traffic
    published: Published
    readiness: list[Sample]
    stopped: float  # monotonic: the broker had stopped
    restarting: float  # its start began
    up: float  # it answered again
    caught_up: float  # every accepted command was on Kafka
    ready_after: int  # /ready's status once all was published

    @property
    def while_down(self) -> list[str]:
        """Commands accepted while the broker was away."""
        return [k for k, at in self.traffic.accepted_at.items() if self.stopped < at < self.up]

    def summary(self) -> str:
        counted, starting = self.published, self.up - self.restarting
        return (
            f"kafka stopped {self.restarting - self.stopped:.0f}s (+{starting:.0f}s"
            f" to start again): accepted {len(self.traffic.accepted)} ({len(self.while_down)} "
            f"meanwhile), published {counted.ids}, duplicates {counted.duplicates}, out of order "
            f"{counted.out_of_order + counted.misordered_keys}, lost {len(counted.lost)}; all on "
            f"Kafka {self.caught_up - self.up:.1f}s after it was back"
        )


async def kafka_outage(
    broker: kafka.KafkaLocal, database_url: str, logs: Path, *, down: float, rate: float
) -> KafkaOutage:
    """Run the outage against a membership process in a fresh schema of `database_url`."""
    async with in_fresh_schema(broker.access("membership"), database_url, logs) as service:
        await asyncio.to_thread(service.wait_healthy, 60.0, "/ready")
        traffic, stop = Traffic(service.url, tag=uuid.uuid4().hex[:8], rate=rate), asyncio.Event()
        readiness: list[Sample] = []
        tasks = [
            asyncio.create_task(traffic.run(stop)),
            asyncio.create_task(sample_ready(service.url, stop, readiness)),
        ]
        await asyncio.sleep(5)
        await asyncio.to_thread(kafka.stop, broker)  # SIGTERM: its controlled shutdown
        stopped = time.monotonic()
        await asyncio.sleep(down)
        restarting = time.monotonic()
        await asyncio.to_thread(kafka.start, broker)
        up = time.monotonic()
        await asyncio.sleep(5)
        stop.set()
        await asyncio.gather(*tasks)
        counted = await eventually(
            lambda: published(broker.access(), TOPIC, traffic),
            lambda found: not found.lost,
            what="every accepted command on Kafka",
            within=180,
            every=1.0,
        )
        caught_up = time.monotonic()
        final = await eventually(
            lambda: ready_status(service.url), lambda r: r[0] == 200, what="ready after"
        )
    return KafkaOutage(traffic, counted, readiness, stopped, restarting, up, caught_up, final[0])


@asynccontextmanager
async def in_fresh_schema(
    access: KafkaAccess, database_url: str, logs: Path
) -> AsyncIterator[ServiceProcess]:
    """A membership process reaching Kafka as `access`, in a fresh schema of `database_url`."""
    schema = f"outage_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{database_url}?search_path={schema}"
    process = membership_process(access, logs, KN_MEMBERSHIP_DATABASE_URL=url)
    try:
        yield process
    finally:
        process.stop()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def sample_ready(url: str, stop: asyncio.Event, seen: list[Sample]) -> None:
    """/ready twice a second until `stop`."""
    async with httpx.AsyncClient(
        timeout=5.0, limits=httpx.Limits(max_keepalive_connections=0)
    ) as http:
        while not stop.is_set():
            seen.append((time.monotonic(), *await ready_status(url, http)))
            await asyncio.sleep(0.5)
