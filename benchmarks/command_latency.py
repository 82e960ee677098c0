"""An EKM command in membership -> its effect in meetings' read model, at a steady rate.

    .venv/bin/python -m benchmarks.command_latency [--rate 100] [--seconds 60] [--networks 100]

The four services run as processes (ports 8301-8304) in a sandbox of their own, as the
suite's (tests/support/demo_services: a topic prefix, a schema each), on the real Kafka (TLS +
SCRAM, a principal per service) and PostgreSQL. The command: EKM assigns a new clinic's owner
to a network by hand (POST /v1/networks/{n}/members with the holder's details, DOMAIN
Membership 1); membership records MemberJoined, meetings projects it into membership_facts,
what its attendance lists read. Open-loop: command n is released at start + n/rate and sent
on the first free of --connections keep-alive connections, whatever earlier answers do; its
latency runs from its release until a poll of meetings' membership_facts table (every
--poll-ms, on its own connection) returns its row. Split by the record's CreateTime on
membership's topic (the relay's send). Also measured: the poll's own floor, CPU per command
of each process, the services' /metrics, and a baseline: raw aiokafka produce -> consume
through the same broker, with the relay's producer and the runner's consumer settings, the
same message, rate and keys. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import asyncpg
import pytest

from benchmarks import cpu
from benchmarks import latency_parts as parts
from benchmarks.command_figures import Result, Sample, report
from benchmarks.common import drop_service_schemas, start_infra
from benchmarks.latency_http import Connections, Split, scrape
from benchmarks.latency_kafka import record_times, round_trip
from kn_contracts.topics import MEMBERSHIP_EVENTS
from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.tuning import tune_gc
from tests.support.demo_services import demo_services
from tests.support.waiting import eventually

SERVICES = ("membership", "meetings", "finance", "reporting")
EKM = {"Authorization": "Bearer demo-ekm"}
ROUTE = "/v1/networks/{network_id}/members"
FACTS = "SELECT seq, person_id FROM {schema}.membership_facts WHERE seq > $1 ORDER BY seq"


@dataclass(frozen=True)
class Options:
    rate: float = 100.0
    seconds: float = 60.0
    networks: int = 100
    poll_ms: float = 1.0
    connections: int = 100  # the client's pool, as a gateway's in front of membership
    baseline_seconds: float = 20.0


def assignment(n: int, networks: list[str]) -> tuple[str, str, dict[str, Any]]:
    """The n-th command: a new owner at a new clinic, assigned by hand (network, person, body)."""
    person = f"bench-p{n:06d}"
    return networks[n % len(networks)], person, {
        "person_id": person, "ydernummer": f"{100000 + n:06d}", "name": f"Bench Person {n}",
        "clinic_id": f"bench-clinic-{n}", "clinic_name": f"Benchklinik {n}", "role": "owner",
        "effective_date": "2025-03-01", "reason": "benchmark: a new clinic's owner",
    }  # fmt: skip


async def set_up(http: Connections, meetings: asyncpg.Connection, networks: list[str]) -> str:
    """Create the networks; wait until meetings has them all. Meetings' live view schema."""
    for n in networks:
        body = {"network_id": n, "name": n.title(), "cluster_id": "aalborg",
                "effective_date": "2025-01-01"}  # fmt: skip
        status = await http.post("/v1/networks", body, **{"Idempotency-Key": f"network-{n}"})
        assert status == 201, f"creating network {n} answered {status}"
    live = await eventually(
        lambda: meetings.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = 'membership_view'"
        ),
        lambda schema: schema is not None,
        what="meetings' membership view",
    )
    await eventually(
        lambda: meetings.fetchval(f'SELECT count(*) FROM "{live}".networks'),
        lambda count: count == len(networks),
        within=120,
        what=f"meetings knows the {len(networks)} networks",
    )
    return str(live)


async def commands(
    running: dict[str, ServiceProcess], url: str, schemas: dict[str, str], options: Options
) -> tuple[list[Sample], float, list[str]]:
    urls = {name: process.url for name, process in running.items()}
    networks = [f"bench-{n:03d}" for n in range(options.networks)]
    count = round(options.rate * options.seconds)
    assert count < 900_000, "ydernumre are six digits: fewer commands, please"
    meetings = await asyncpg.connect(f"{url}?search_path={schemas['meetings']}")
    http = Connections(urls["membership"], EKM)
    try:
        live = await set_up(http, meetings, networks)
        before = await scrape(urls, ROUTE)
        observer = parts.Observer(meetings, FACTS.format(schema=f'"{live}"'), options.poll_ms)
        watching = asyncio.create_task(observer.run())
        samples = [Sample() for _ in range(count)]
        meter = parts.CpuMeter({n: p.process.pid for n, p in running.items()})

        async def send(n: int, released: float) -> None:
            network, _, body = assignment(n, networks)
            sample = samples[n]
            sample.sent, sample.began = released, time.perf_counter()
            path = f"/v1/networks/{network}/members"
            try:
                sample.status = await http.post(path, body, **{"Idempotency-Key": f"bench-{n}"})
            except (OSError, EOFError, ValueError) as exc:  # counted as not answered 201
                sample.error = type(exc).__name__
            sample.answered = time.perf_counter()

        achieved = await parts.open_loop(count, options.rate, send, options.connections)
        persons = [assignment(n, networks)[1] for n in range(count)]
        wanted = {p for p, s in zip(persons, samples, strict=True) if s.status == 201}
        await observer.settle(wanted, within=60)
        notes = [meter.per_command(count)]
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
        notes += Split.of(before, await scrape(urls, ROUTE)).lines()
        for person, sample in zip(persons, samples, strict=True):
            sample.seen = observer.seen.get(person, math.nan)
        return samples, achieved, notes
    finally:
        await http.close()
        await meetings.close()


def conditions(options: Options, ports: str) -> str:
    return (
        f"{len(SERVICES)} services as processes (ports {ports}), {options.networks} networks, "
        f"{options.connections} connections, a poll every {options.poll_ms:g} ms"
    )


def run(kafka: KafkaAccess, url: str, options: Options, logs: Path) -> Result:
    """Start the four services in a sandbox, measure, print, stop them and drop the sandbox."""
    result = Result(load=[cpu.load_average()])
    schemas: dict[str, str] = {}
    try:
        with pytest.MonkeyPatch.context() as patch, demo_services(
            SERVICES, kafka_admin=kafka, database_url=url, logs=logs, monkeypatch=patch,
        ) as running:  # fmt: skip
            ports = ", ".join(str(process.port) for process in running.values())
            prefix = os.environ["KN_TOPIC_PREFIX"]
            tag = prefix.removeprefix("demo").rstrip(".")
            schemas |= {name: f"demo_{name}_{tag}" for name in SERVICES}
            asyncio.run(measure(kafka, url, running, schemas, prefix, options, result))
            result.load.append(cpu.load_average())
    finally:  # once the services stopped: they hold locks on their tables while they run
        asyncio.run(drop_service_schemas(url, list(schemas.values())))
    report(result, options.rate, options.seconds, conditions(options, ports))
    return result


async def measure(
    kafka: KafkaAccess,
    url: str,
    running: dict[str, ServiceProcess],
    schemas: dict[str, str],
    prefix: str,
    options: Options,
    result: Result,
) -> None:
    seconds = min(options.seconds, 5.0)
    result.floor = await parts.observer_floor(url, options.rate, seconds, options.poll_ms)
    result.samples, result.rate, result.notes = await commands(running, url, schemas, options)
    times, message = await record_times(kafka, prefix + MEMBERSHIP_EVENTS.name, "person_id")
    for n, sample in enumerate(result.samples):
        sample.produced = times.get(f"bench-p{n:06d}", math.nan)
    keys = [f"bench-{n:03d}" for n in range(options.networks)]
    count = max(1, round(options.rate * min(options.seconds, options.baseline_seconds)))
    result.baseline = await round_trip(
        kafka, prefix + "bench.round-trip", message, keys, count, options.rate
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    defaults = Options()
    for name, value in vars(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    arguments = parser.parse_args()
    endpoints = start_infra()
    tune_gc()
    with TemporaryDirectory() as logs:
        run(*endpoints, Options(**vars(arguments)), Path(logs))
