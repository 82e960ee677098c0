"""Outages survived without a hand: Kafka stopped and PostgreSQL restarted under traffic, on a
real membership process, against servers of the test's own (the suite's shared ones stay up).
Kafka is stopped with SIGTERM (its controlled shutdown: clients see connections refused, as
when a broker is down) and started on the same data; PostgreSQL with pg_ctl's fast stop
(every connection is cut) and started again. Nothing restarts the service.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from kn_contracts.topics import TOPICS
from kn_deploy import infra, kafka, postgres
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import LocalDatabase
from kn_servicekit.topics import ensure_topics
from tests.support.kafka import drop_topics, grant_sandbox
from tests.support.kafka_outage import TOPIC, kafka_outage
from tests.support.outage import (
    EKM_TOKEN,
    Traffic,
    membership_process,
    published,
    ready_status,
    region_opens,
)
from tests.support.private_infra import private_kafka, private_postgres
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

KAFKA_DOWN = 15.0  # seconds; benchmarks/outage.py holds it down for longer
POSTGRES_DOWN = 10.0
RATE = 10.0  # commands a second


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[kafka.KafkaLocal]:
    with private_kafka(tmp_path / "kafka") as started:
        yield started


@pytest.mark.timeout(300)
async def test_commands_are_taken_while_kafka_is_stopped_and_reach_it_once_in_order_after(
    broker: kafka.KafkaLocal, test_database_url: str, tmp_path: Path
) -> None:
    outage = await kafka_outage(
        broker, test_database_url, tmp_path / "logs", down=KAFKA_DOWN, rate=RATE
    )
    print("\n" + outage.summary())  # noqa: T201 - the figures the README quotes
    traffic, done = outage.traffic, outage.published
    assert set(traffic.answers) == {"201"}, traffic.answers  # every command taken, at once
    assert len(outage.while_down) >= RATE * KAFKA_DOWN * 0.5
    assert done.exactly_once_in_order, done
    assert done.records == done.ids == len(traffic.accepted)
    unready = [
        (status, body)
        for at, status, body in outage.readiness
        if outage.stopped + 5 < at < outage.restarting
    ]
    assert unready, outage.readiness
    assert {status for status, _ in unready} == {503}, outage.readiness
    assert all(body["problems"] for _, body in unready), unready
    assert any("Kafka unreachable" in str(body["problems"]) for _, body in unready), unready
    assert outage.ready_after == 200
    # aiokafka's retries, each an ERROR line, are held back to one a kind every 30 s: before,
    # 52,000 lines in this test (kn_servicekit.logging.Repeats)
    logged = (tmp_path / "logs" / "membership.log").read_text().splitlines()
    theirs = [line for line in logged if '"logger": "aiokafka' in line]
    assert 0 < len(theirs) <= 50, (len(theirs), theirs[:5])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[postgres.PostgresLocal]:
    with private_postgres(tmp_path, ("membership",)) as started:
        yield started


@pytest.fixture
async def prefix(kafka_admin: KafkaAccess) -> AsyncIterator[str]:
    """A topic prefix of this test's own on the shared Kafka, its topics deleted after."""
    chosen = f"pg{uuid.uuid4().hex[:8]}."
    await ensure_topics(kafka_admin, TOPICS, prefix=chosen)
    granted = await grant_sandbox(kafka_admin, chosen)  # membership's ACLs on them
    yield chosen
    await drop_topics(kafka_admin, chosen, granted)


@pytest.mark.timeout(240)
async def test_a_service_recovers_by_itself_from_a_postgresql_restart_losing_and_doubling_nothing(
    cluster: postgres.PostgresLocal, kafka_admin: KafkaAccess, prefix: str, tmp_path: Path
) -> None:
    db = LocalDatabase("membership", port=cluster.port)
    env = {db.env_var: db.url, db.owner_env_var: db.owner_url, "KN_TOPIC_PREFIX": prefix}
    as_membership = infra.endpoints().kafka("membership") if kafka_admin.secured else kafka_admin
    service = membership_process(as_membership, tmp_path / "logs", **env)
    try:
        await asyncio.to_thread(service.wait_healthy, 60.0, "/ready")
        traffic, stop = Traffic(service.url, tag=uuid.uuid4().hex[:8], rate=RATE), asyncio.Event()
        sending = asyncio.create_task(traffic.run(stop))
        await asyncio.sleep(5)
        await asyncio.to_thread(postgres.stop, cluster)  # fast: every connection is cut
        down = time.monotonic()
        await asyncio.sleep(POSTGRES_DOWN)
        await asyncio.to_thread(postgres.start, cluster)
        up = time.monotonic()
        await asyncio.sleep(10)
        stop.set()
        await sending
        done = await eventually(
            lambda: published(kafka_admin, prefix + TOPIC, traffic),
            lambda counted: not counted.lost,
            what="every accepted command on Kafka",
            within=60,
            every=1.0,
        )
        # the region feed's consumer lost its connections too
        await region_opens(kafka_admin, prefix + "kn.region.ydernummer", "100077")
        waiting = await eventually(
            lambda: awaiting(service.url),
            lambda names: names == ["Ruth Holm"],
            what="the region feed working again",
        )
        final = await eventually(
            lambda: ready_status(service.url), lambda r: r[0] == 200, what="ready after"
        )
    finally:
        service.stop()
    owner = await asyncpg.connect(db.owner_url)
    try:
        causes = await owner.fetch(
            "SELECT payload::json->>'causation_id' AS cause FROM kn_events "
            "WHERE payload::json->>'causation_id' LIKE $1",
            f"{traffic.tag}-%",
        )
    finally:
        await owner.close()
    failed = sum(n for answer, n in traffic.answers.items() if answer != "201")
    print(  # noqa: T201 - the figures the README quotes
        f"\npostgres down {up - down:.0f}s: accepted {len(traffic.accepted)}, refused meanwhile "
        f"and sent again {failed} ({dict(traffic.answers)}), recorded {len(causes)}, "
        f"published {done.ids}, duplicates {done.duplicates}, lost {len(done.lost)}"
    )
    assert traffic.answers["503"] == failed > 0  # felt, and answered "try again", not 500
    assert sorted(row["cause"] for row in causes) == sorted(traffic.accepted)  # each once
    assert done.exactly_once_in_order, done
    assert done.records == done.ids == len(traffic.accepted)
    assert waiting == ["Ruth Holm"]
    assert final[0] == 200


async def awaiting(url: str) -> list[str]:
    """Names on membership's waiting list on 1 January 2025 ([] while it does not answer)."""
    async with httpx.AsyncClient(base_url=url, timeout=5.0) as http:
        answer = await http.get(
            "/v1/awaiting-assignment",
            params={"on": "2025-01-01"},
            headers={"Authorization": f"Bearer {EKM_TOKEN}"},
        )
    return [row["name"] for row in answer.json()] if answer.status_code == 200 else []
