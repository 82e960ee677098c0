"""An EKM command in membership -> its effect in meetings' read model, at a steady rate.

    .venv/bin/python -m benchmarks.command_latency [--rate 100] [--seconds 60] [--networks 100]

The four services run as processes on ports 8301-8304 in a sandbox of their own (a topic
prefix, a schema each: tests/support/demo_services), on the real Kafka (TLS + SCRAM, each
service its own principal) and PostgreSQL. The command is EKM assigning a therapist to a
network by hand (POST /v1/networks/{n}/members with the holder's details, DOMAIN Membership 1,
as EKM does for an owner of a brand-new clinic): membership records MemberJoined, and meetings
projects it into its membership view (membership_facts, what its attendance lists read).
A command's latency runs from just before its request is sent until a poll of meetings'
membership_facts (in meetings' own schema) returns its row. The sender is open-loop: request
n leaves at start + n/rate whether or not earlier answers came back.
Measured in the same run: the observer's own floor (a row committed by another connection ->
seen by the same poll loop) and a baseline, a raw aiokafka produce -> consume round trip
through the same broker as the same principal kind (the relay's producer settings, the
projection runner's consumer settings) with the same message, rate and keys.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import asyncpg
import httpx
import pytest

from benchmarks import latency_parts as parts
from benchmarks.common import drop_service_schemas, start_infra
from kn_contracts.topics import MEMBERSHIP_EVENTS
from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.tuning import tune_gc
from tests.support.demo_services import demo_services
from tests.support.kafka import read_all
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
    first_port: int = 8301


@dataclass
class Sample:
    sent: float = math.nan  # released by the schedule
    began: float = math.nan  # taken by a free connection of the client's pool
    answered: float = math.nan
    status: int = 0
    produced: float = math.nan  # the relay's send (the record's CreateTime, 1 ms resolution)
    seen: float = math.nan


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)
    rate: float = 0.0
    baseline: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)


def assignment(n: int, networks: list[str]) -> tuple[str, str, dict[str, Any]]:
    """The n-th command: a new owner at a new clinic, assigned by hand (network, person, body)."""
    person = f"bench-p{n:06d}"
    return networks[n % len(networks)], person, {
        "person_id": person, "ydernummer": f"{100000 + n:06d}", "name": f"Bench Person {n}",
        "clinic_id": f"bench-clinic-{n}", "clinic_name": f"Benchklinik {n}", "role": "owner",
        "effective_date": "2025-03-01", "reason": "benchmark: a new clinic's owner",
    }  # fmt: skip


async def set_up(http: httpx.AsyncClient, meetings: asyncpg.Connection, networks: list[str]) -> str:
    """Create the networks; wait until meetings has them all. Meetings' live view schema."""
    for n in networks:
        body = {"network_id": n, "name": n.title(), "cluster_id": "aalborg",
                "effective_date": "2025-01-01"}  # fmt: skip
        answer = await http.post("/v1/networks", json=body, headers=EKM)
        assert answer.status_code == 201, answer.text
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
) -> tuple[list[Sample], float, parts.Split]:
    urls = {name: process.url for name, process in running.items()}
    networks = [f"bench-{n:03d}" for n in range(options.networks)]
    count = round(options.rate * options.seconds)
    assert count < 900_000, "ydernumre are six digits: fewer commands, please"
    meetings = await asyncpg.connect(f"{url}?search_path={schemas['meetings']}")
    limits = httpx.Limits(max_connections=options.connections)
    async with httpx.AsyncClient(base_url=urls["membership"], timeout=60, limits=limits) as http:
        try:
            live = await set_up(http, meetings, networks)
            before = await parts.scrape(urls, ROUTE)
            observer = parts.Observer(meetings, FACTS.format(schema=f'"{live}"'), options.poll_ms)
            watching = asyncio.create_task(observer.run())
            samples = [Sample() for _ in range(count)]
            meter = parts.CpuMeter({n: p.process.pid for n, p in running.items()})

            async def send(n: int, released: float) -> None:
                network, _, body = assignment(n, networks)
                sample = samples[n]
                sample.sent, sample.began = released, time.perf_counter()
                try:
                    answer = await http.post(f"/v1/networks/{network}/members", json=body,
                                             headers=EKM)  # fmt: skip
                except httpx.HTTPError:  # counted as not answered 201
                    return
                sample.answered, sample.status = time.perf_counter(), answer.status_code

            achieved = await parts.open_loop(count, options.rate, send, options.connections)
            persons = [assignment(n, networks)[1] for n in range(count)]
            wanted = {p for p, s in zip(persons, samples, strict=True) if s.status == 201}
            await observer.settle(wanted, within=60)
            meter.show(count)
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
            split = parts.Split.of(before, await parts.scrape(urls, ROUTE))
            for person, sample in zip(persons, samples, strict=True):
                sample.seen = observer.seen.get(person, math.nan)
            return samples, achieved, split
        finally:
            await meetings.close()


async def produced_times(kafka: KafkaAccess, topic: str, samples: list[Sample]) -> parts.Message:
    """Each command's record time on membership's topic (read after the run, so the reading
    costs the run nothing); a MemberJoined as it travels, for the baseline."""
    offset = time.time() - time.perf_counter()
    by_person: dict[str, float] = {}
    message: parts.Message | None = None
    for record in await read_all(kafka, topic):
        person = json.loads(record.value).get("person_id", "")
        if person.startswith("bench-p"):
            by_person[person] = record.timestamp / 1000 - offset
            message = message or (record.key, list(record.headers), record.value)
    for n, sample in enumerate(samples):
        sample.produced = by_person.get(f"bench-p{n:06d}", math.nan)
    assert message is not None, "no MemberJoined reached membership's topic"
    return message


def run(kafka: KafkaAccess, url: str, options: Options, logs: Path) -> Result:
    """Start the four services in a sandbox, measure, print, stop them and drop the sandbox."""
    result = Result()
    load_before = os.getloadavg()
    schemas: dict[str, str] = {}
    try:
        with pytest.MonkeyPatch.context() as patch, demo_services(
            SERVICES, kafka_admin=kafka, database_url=url, logs=logs,
            first_port=options.first_port, monkeypatch=patch,
        ) as running:  # fmt: skip
            prefix = os.environ["KN_TOPIC_PREFIX"]
            tag = prefix.removeprefix("demo").rstrip(".")
            schemas |= {name: f"demo_{name}_{tag}" for name in SERVICES}
            asyncio.run(measure(kafka, url, running, schemas, prefix, options, result))
            load_after = os.getloadavg()
    finally:  # once the services stopped: they hold locks on their tables while they run
        asyncio.run(drop_service_schemas(url, list(schemas.values())))
    report(result, options, load_before, load_after)
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
    result.samples, result.rate, split = await commands(running, url, schemas, options)
    message = await produced_times(kafka, prefix + MEMBERSHIP_EVENTS.name, result.samples)
    keys = [f"bench-{n:03d}" for n in range(options.networks)]
    count = max(1, round(options.rate * min(options.seconds, options.baseline_seconds)))
    result.baseline = await parts.round_trip(
        kafka, prefix + "bench.round-trip", message, keys, count, options.rate
    )
    split.show()


def report(result: Result, options: Options, before: Any, after: Any) -> None:
    samples = result.samples
    good = [s for s in samples if s.status == 201 and not math.isnan(s.seen)]
    failed = sum(1 for s in samples if s.status != 201)
    unseen = sum(1 for s in samples if s.status == 201 and math.isnan(s.seen))
    ports = f"{options.first_port}-{options.first_port + 3}"
    print(f"conditions: {len(SERVICES)} services as processes (ports {ports}), "
          f"{options.networks} networks, a poll every {options.poll_ms:g} ms; "
          f"load average before {fmt_load(before)}, after {fmt_load(after)}")  # fmt: skip
    answered = [s.answered for s in samples if not math.isnan(s.answered)]
    span = max(answered, default=0.0) - samples[0].sent if samples else 0.0
    print(f"sent {len(samples)} commands open-loop at {options.rate:g}/s for "
          f"{options.seconds:g}s: released at {result.rate:.1f}/s, answered at "
          f"{len(answered) / span if span > 0 else 0:.1f}/s; {failed} not 201, "
          f"{unseen} answered but never seen")  # fmt: skip
    parts.line("observer floor (commit -> seen)", result.floor)
    total = parts.line("command -> in meetings' view", [s.seen - s.sent for s in good])
    with_time = [s for s in good if not math.isnan(s.produced)]
    parts.line("  sent -> relay's send", [s.produced - s.sent for s in with_time])
    parts.line("  relay's send -> in view", [s.seen - s.produced for s in with_time])
    parts.line("HTTP answer", [s.answered - s.sent for s in good])
    parts.line("  of it waiting for a connection", [s.began - s.sent for s in good])
    base = parts.line("baseline: raw produce -> consume", result.baseline)
    if total and base:
        print(f"ratio command/baseline: p50 {total[0] / base[0]:.1f}x, "
              f"p99 {total[2] / base[2]:.1f}x (target p99 <= 50 ms: "
              f"{'met' if total[2] <= 50 else 'missed'})")  # fmt: skip


def fmt_load(load: Any) -> str:
    return " ".join(f"{value:.2f}" for value in load)


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
