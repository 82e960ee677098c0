"""An attendance list closed in meetings -> its pool payout on kn.finance.payouts, at a
steady rate, and finance's rebuild rate beside a raw read of the same topics.

    .venv/bin/python -m benchmarks.finance_latency [--rate 50] [--seconds 60] [--networks 100]

The finance service runs as its own process (kn-finance) on the real Kafka and PostgreSQL.
Set-up: networks, their coordinators, held meetings, the rate tables and one invoice waiting
for each meeting's list. Then lists arrive on kn.meetings.events as meetings publishes them,
at a steady rate; each one's latency runs from just before it is produced until its
PoolPayoutApproved is read from kn.finance.payouts (meetings' own close -> relay adds its
relay latency, benchmarks/relay_latency.py). Target p99 <= 100 ms on this machine.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks.common import drop_service_schemas, percentile, start_infra
from kn_contracts.envelope import Envelope, decode, encode, source_of
from kn_contracts.events.payouts import PoolPayoutApproved
from kn_contracts.topics import (
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    catalog,
)
from kn_deploy.services import start_service
from kn_finance.bootstrap import finance_inputs
from kn_finance.settings import FinanceSettings
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.runner import ProjectionRunner
from kn_servicekit.tuning import tune_gc
from tests.finance.service import TOKENS, Finance
from tests.finance.story import (
    BASE_2022,
    INDEXED_2025,
    coordinators,
    held,
    invoice_body,
    network,
    recorded,
    scheduled,
)
from tests.support.service import sandbox
from tests.support.waiting import eventually

CATALOG = catalog()
PORT = 18390


def meeting_days(count: int) -> list[str]:
    return [(dt.date(2025, 1, 2) + dt.timedelta(days=n)).isoformat() for n in range(count)]


async def set_up(finance: Finance, networks: list[str], days: list[str]) -> None:
    started = time.perf_counter()
    await finance.publish(
        "membership", *[e for n in networks for e in (network(n, n.title()), *coordinators(n))]
    )
    await finance.publish(
        "meetings", *[e for n in networks for d in days for e in (scheduled(d, n), held(d, n))]
    )
    for table in (BASE_2022, INDEXED_2025):
        assert (await finance.post("/v1/rate-tables", table)).status_code == 201
    for n in networks:
        for d in days:
            body = invoice_body(
                f"venue-{d}",
                8100,
                network_id=n,
                supplier_invoice_number=f"F-{n}-{d}",  # one supplier invoice each (rule 7)
                meeting_date=d,
                received_date=d,
                due_date=(dt.date.fromisoformat(d) + dt.timedelta(days=30)).isoformat(),
            )
            answer = await finance.post("/v1/invoices", body)
            assert answer.status_code == 201, answer.text
    print(f"set-up: registered {len(networks) * len(days)} invoices", flush=True)
    last, day = networks[-1], days[-1]
    await eventually(
        lambda: finance.get(f"/v1/networks/{last}/invoices/venue-{day}"),
        lambda v: [r["code"] for r in v.get("reasons", [])] == ["no_attendance_list"],
        within=600,
        every=0.5,
        what="every invoice waiting for its list",
    )
    await idle(finance)
    print(
        f"set-up: {len(networks)} networks, {len(networks) * len(days)} held meetings and "
        f"waiting invoices in {time.perf_counter() - started:.0f}s"
    )


async def idle(finance: Finance) -> None:
    """Wait until the decider has read every message of its topics (no backlog)."""
    topics = [finance.box.topic(t.name) for t in (MEETINGS_EVENTS, MEMBERSHIP_EVENTS)]
    consumer = AIOKafkaConsumer(**kafka_options(finance.box.kafka))
    await consumer.start()
    pool = await asyncpg.create_pool(finance.settings.database_url, min_size=1, max_size=1)
    try:
        partitions = [tp for t in topics for tp in await partitions_of(consumer, t)]
        schema = await pool.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = 'finance_inputs'"
        )

        async def behind() -> int:
            unpublished = await pool.fetchval(
                "SELECT (SELECT coalesce(max(position), 0) FROM kn_events) - "
                "(SELECT coalesce(max(position), 0) FROM kn_relay_progress)"
            )
            ends = await consumer.end_offsets(partitions)
            rows = await pool.fetch(
                f'SELECT topic, partition, next_offset FROM "{schema}".kn_offsets'
            )
            stored = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
            unread = sum(end - stored.get((tp.topic, tp.partition), 0) for tp, end in ends.items())
            return int(unpublished) + int(unread)

        await eventually(behind, lambda n: n == 0, within=600, every=0.5, what="decider idle")
    finally:
        await pool.close()
        await consumer.stop()


async def latency(finance: Finance, lists: list[tuple[str, str]], rate: float) -> list[float]:
    kafka = finance.box.kafka
    consumer = AIOKafkaConsumer(**kafka_options(kafka), fetch_max_wait_ms=5)
    await consumer.start()
    topic = finance.box.topic(FINANCE_PAYOUTS.name)
    partitions = await partitions_of(consumer, topic)
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for tp in partitions:
        await consumer.position(tp)
    arrived: dict[tuple[str, str], float] = {}

    async def receive() -> None:
        while len(arrived) < len(lists):
            batch = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    event = decode(record.headers, record.value, CATALOG)[1]
                    if isinstance(event, PoolPayoutApproved):
                        arrived.setdefault((event.network_id, event.meeting_id or ""), now)

    receiver = asyncio.create_task(receive())
    producer = AIOKafkaProducer(
        **kafka_options(kafka), acks="all", enable_idempotence=True, linger_ms=0
    )
    await producer.start()
    sent: dict[tuple[str, str], float] = {}
    meetings_topic = finance.box.topic(MEETINGS_EVENTS.name)
    start = time.perf_counter()
    for n, (net, day) in enumerate(lists):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        event = recorded(day, network_id=net)
        envelope = Envelope(
            str(uuid.uuid4()),
            source_of("meetings"),
            event.ce_type(),
            dt.datetime.now(dt.UTC),
            subject=net,
        )
        headers, value = encode(event, envelope)
        sent[(net, day)] = time.perf_counter()
        await producer.send(meetings_topic, value, key=net.encode(), headers=headers)
    print(f"published {len(lists)} lists in {time.perf_counter() - start:.1f}s")
    await asyncio.wait_for(receiver, 120)
    await producer.stop()
    await consumer.stop()
    return [arrived[k] - t for k, t in sent.items()]


async def raw_read(kafka: KafkaAccess, topics: list[str]) -> tuple[int, float]:
    consumer = AIOKafkaConsumer(
        **kafka_options(kafka),
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    started = time.perf_counter()  # from the consumer's start, as the rebuild is timed
    await consumer.start()
    try:
        partitions = [tp for t in topics for tp in await partitions_of(consumer, t)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        count = 0
        while not await caught_up(consumer, ends):
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            count += sum(len(records) for records in batch.values())
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


async def rebuild(finance: Finance) -> tuple[int, float]:
    projection, events = finance_inputs(finance.settings)  # tables only, as kn-finance rebuild
    pool = await asyncpg.create_pool(finance.settings.database_url, min_size=1, max_size=2)
    producer = AIOKafkaProducer(**kafka_options(finance.box.kafka))
    await producer.start()
    schema = f"bench_rebuild_{uuid.uuid4().hex[:8]}"
    try:
        runner = ProjectionRunner(
            pool=pool,
            kafka=finance.box.kafka,
            projection=projection,
            catalog=events,
            schema=schema,
            dead_letters=DeadLetters(producer, "bench"),
        )
        await runner.prepare()
        started = time.perf_counter()
        await runner.run(until_caught_up=True)
        return runner.consumed, time.perf_counter() - started
    finally:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await producer.stop()
        await pool.close()


@asynccontextmanager
async def finance_process(kafka: KafkaAccess, url: str, logs: Path) -> AsyncIterator[Finance]:
    """Finance as its own process (as deployed), in a sandbox of topics and a schema."""
    schema = f"bench_finance_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    await admin.close()
    async with sandbox(kafka, url) as box:
        settings = box.settings(FinanceSettings, TOKENS, schema)
        env = {
            **box.env("finance"),
            "KN_FINANCE_DATABASE_URL": settings.database_url,
            "KN_FINANCE_API_TOKENS": json.dumps(TOKENS),
            "KN_FINANCE_LOG_LEVEL": "WARNING",
        }
        process = start_service("finance", env, logs, port=PORT)
        try:
            process.wait_healthy(probe="/ready")
            async with httpx.AsyncClient(base_url=process.url, timeout=30) as http:
                yield Finance(http, box, settings, schema)
        finally:
            process.stop()
            await drop_service_schemas(url, [schema])


async def main(kafka: KafkaAccess, url: str, rate: float, seconds: int, count: int) -> None:
    networks = [f"bench-{n:03d}" for n in range(count)]
    lists_needed = int(rate * seconds)
    days = meeting_days(-(-lists_needed // count))
    with tempfile.TemporaryDirectory() as logs:
        async with finance_process(kafka, url, Path(logs)) as finance:
            await measure(finance, networks, days, rate, seconds, lists_needed)


async def measure(
    finance: Finance,
    networks: list[str],
    days: list[str],
    rate: float,
    seconds: int,
    lists_needed: int,
) -> None:
    kafka = finance.box.kafka
    await set_up(finance, networks, days)
    lists = [(net, day) for day in days for net in networks][:lists_needed]
    found = await latency(finance, lists, rate)
    p50, p99 = percentile(found, 50) * 1000, percentile(found, 99) * 1000
    print(
        f"list -> pool payout at {rate:g} lists/s for {seconds}s: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms, max {max(found) * 1000:.1f} ms (n={len(found)}; "
        "target p99 <= 100 ms)"
    )
    topics = [finance.box.topic(t.name) for t in (MEETINGS_EVENTS, MEMBERSHIP_EVENTS)]
    raw_count, raw_seconds = await raw_read(kafka, topics)
    rebuilt, rebuild_seconds = await rebuild(finance)
    raw_rate, rebuild_rate = raw_count / raw_seconds, rebuilt / rebuild_seconds
    print(
        f"raw getmany of finance_inputs' topics: {raw_rate:>9,.0f} events/s "
        f"({raw_count} in {raw_seconds:.2f}s)"
    )
    print(
        f"finance_inputs rebuild (tables only) : {rebuild_rate:>9,.0f} events/s "
        f"({rebuilt} in {rebuild_seconds:.2f}s)"
    )
    print(f"ratio rebuild/raw: {rebuild_rate / raw_rate:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--networks", type=int, default=100)
    arguments = parser.parse_args()
    endpoints = start_infra()
    tune_gc()
    asyncio.run(main(*endpoints, arguments.rate, arguments.seconds, arguments.networks))
