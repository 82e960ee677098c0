"""Where a rebuild's time goes: the kit's rebuild beside raw readers of the same topic.

    .venv/bin/python -m benchmarks.rebuild_vs_raw [--events 2000000] [--kinds tick,attendance]
        [--workers 1,2,3] [--keep] [--topic PREFIX]

For each event size (bench_events.py: today's Tick, and an AttendanceRecorded of 16 sealed
lines as meetings' relay publishes it) one topic of --events events (3 partitions), read in
the same run by: the kit's rebuild (kn_servicekit.rebuild, ProjectionRunner as the services
run it) into a scratch schema, in one process and in 2 and 3 worker processes
(kn_servicekit.rebuild_workers, benchmarks/rebuild_worker.py); a raw aiokafka getmany
loop, also with each event decoded (the floor under a rebuild), and in 1, 2 and 3 worker
processes of one consumer group; raw confluent-kafka reading headers and values, tuned
and with librdkafka's defaults, and tuned with each event decoded; Kafka's own
ConsumerPerformance. Each line: events/s and CPU µs per event of the client, the broker
and PostgreSQL (cpu.py), then the ratios issue 17's targets name, with the targets.
`--keep` leaves the topics for a later `--topic PREFIX`; otherwise they are deleted, also
on failure. No timed assertions: the figures are for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import sys
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from benchmarks import bench_kafka
from benchmarks.bench_events import KINDS, Kind, Tally, binary
from benchmarks.bench_workers import read_in_workers
from benchmarks.common import scratch_pool, start_infra
from benchmarks.cpu import Meter, Spent, load_average
from kn_deploy.infra import kafka_env
from kn_servicekit.deadletter import DeadLetters
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.rebuild import fresh_schema_name, rebuild, switch_live
from kn_servicekit.rebuild_workers import replay_in_workers
from kn_servicekit.runner import ProjectionRunner
from kn_servicekit.tuning import tune_gc

TARGET_CLIENT_US = {"tick": 3.5, "attendance": 8.0}  # issue 17: client CPU per event
TARGET_REBUILD_RATIO = 0.6  # one-process rebuild / raw aiokafka, same run
TARGET_WORKERS_RATIO = 0.3  # a rebuild in 3 workers / Kafka's ConsumerPerformance


@dataclass(frozen=True)
class Line:
    what: str
    events: int
    spent: Spent
    rate: float | None = None  # the reader's own figure (ConsumerPerformance), else wall

    @property
    def per_second(self) -> float:
        return self.rate if self.rate is not None else self.events / self.spent.seconds


async def kit_rebuild(
    kafka: KafkaAccess, url: str, kind: Kind, topic: str, meter: Meter, workers: int = 1
) -> Line:
    """`kn-<service> rebuild [--workers N]` as the kit runs it: a fresh schema, replayed (by
    N processes of benchmarks.rebuild_worker, each a share), readers switched."""
    os.environ.update(kafka_env(kafka))  # what the workers connect with
    command = [sys.executable, "-m", "benchmarks.rebuild_worker", url, kind.name, topic]
    async with scratch_pool(url) as pool:
        producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
        await producer.start()
        tally = Tally(topic)
        runner = ProjectionRunner(
            pool=pool, kafka=kafka, projection=tally, catalog=kind.catalog,
            schema=fresh_schema_name("bench_tally", dt.datetime.now(dt.UTC)),
            dead_letters=DeadLetters(producer, "bench"),
        )  # fmt: skip
        try:
            start = meter.sample()
            if workers == 1:
                await rebuild(runner, pool, tally.name)
                consumed = runner.consumed
            else:
                await runner.prepare()
                consumed = (await replay_in_workers(
                    kafka=kafka, pool=pool, schema=runner.schema, topics=[topic],
                    workers=workers, command=command,
                )).consumed  # fmt: skip
                await switch_live(pool, tally.name, runner.schema)
            spent = meter.since(start)
            applied = await pool.fetchval(f'SELECT sum(events) FROM "{runner.schema}".bench_tally')
            if consumed != applied:
                raise RuntimeError(f"rebuild consumed {consumed}, applied {applied}")
            if workers == 1:
                return Line("kit rebuild (ProjectionRunner)", consumed, spent)
            return Line(f"kit rebuild, {workers} worker processes (start in CPU)", consumed, spent)
        finally:
            await pool.execute(f'DROP SCHEMA IF EXISTS "{runner.schema}" CASCADE')
            await producer.stop()


async def measure(
    kafka: KafkaAccess, url: str, kind: Kind, topic: str, workers: list[int]
) -> list[Line]:
    meter, lines, groups = Meter(), [], []
    count, spent = await bench_kafka.aiokafka_read(kafka, topic, meter)
    lines.append(Line("raw aiokafka getmany", count, spent))
    count, spent = await bench_kafka.aiokafka_read(kafka, topic, meter, kind.catalog)
    lines.append(Line("aiokafka + decode (envelope, pydantic)", count, spent))
    lines.append(await kit_rebuild(kafka, url, kind, topic, meter))
    for tuned in (True, False):
        count, spent = bench_kafka.confluent_read(kafka, topic, meter, tuned)
        how = "tuned queues" if tuned else "librdkafka defaults"
        lines.append(Line(f"raw confluent-kafka, headers+value, {how}", count, spent))
    count, spent = bench_kafka.confluent_read(kafka, topic, meter, True, kind.catalog)
    lines.append(Line("confluent-kafka (tuned) + decode", count, spent))
    start = meter.sample()
    count, rate, group = bench_kafka.consumer_performance(kafka, topic, lines[0].events)
    groups.append(group)
    lines.append(
        Line("Kafka ConsumerPerformance (Java; JVM start in CPU)", count, meter.since(start), rate)
    )
    for n in workers:
        count, spent, group = read_in_workers(kafka, topic, n, bench_kafka.PARTITIONS, meter)
        groups.append(group)
        lines.append(
            Line(f"raw aiokafka, {n} worker process{'es' if n > 1 else ''} (group)", count, spent)
        )
    for n in workers:
        if n > 1:
            lines.append(await kit_rebuild(kafka, url, kind, topic, meter, n))
    bench_kafka.delete_groups(kafka, groups)
    wrong = [line.what for line in lines if line.events != lines[0].events]
    if wrong:
        raise RuntimeError(f"not every reader read {lines[0].events} events: {wrong}")
    return lines


def report(kind: Kind, lines: list[Line]) -> None:
    print(f"\n{kind.name}: {lines[0].events:,} events")
    heads = f"{'events/s':>10} {'wall s':>7} {'client':>7} {'broker':>7} {'PG':>6}"
    print(f"  {'reader':<56} {heads}  (CPU µs/event)")
    for line in lines:
        client, broker, pg = line.spent.per_event(line.events)
        print(f"  {line.what:<56} {line.per_second:>10,.0f} {line.spent.seconds:>7.2f} "
              f"{client:>7.2f} {broker:>7.2f} {pg:>6.2f}")  # fmt: skip
    raw, rebuilt = lines[0], lines[2]
    client = rebuilt.spent.per_event(rebuilt.events)[0]
    ratio = rebuilt.per_second / raw.per_second
    print(f"  rebuild / raw aiokafka: {ratio:.2f} (target >= {TARGET_REBUILD_RATIO})")
    print(f"  rebuild client CPU: {client:.2f} µs/event (target <= {TARGET_CLIENT_US[kind.name]})")
    print(f"  decode floor / raw aiokafka: {lines[1].per_second / raw.per_second:.2f}")
    floor = next(line for line in lines if line.what.startswith("confluent-kafka (tuned) +"))
    print(f"  decode floor by confluent-kafka / raw aiokafka: "
          f"{floor.per_second / raw.per_second:.2f}")  # fmt: skip
    at = next(n for n, line in enumerate(lines) if line.what.startswith("Kafka ConsumerPerf"))
    perf = lines[at].per_second
    for line in lines[at + 1 :]:
        print(f"  {line.what}: {line.per_second / raw.per_second:.2f} x raw aiokafka in-process, "
              f"{line.per_second / perf:.2f} x ConsumerPerformance")  # fmt: skip
    three = [line for line in lines if line.what.startswith("kit rebuild, 3 worker")]
    if three:
        print(f"  kit rebuild in 3 workers / ConsumerPerformance: "
              f"{three[0].per_second / perf:.2f} (target >= {TARGET_WORKERS_RATIO})")  # fmt: skip


async def main(kafka: KafkaAccess, url: str, arguments: argparse.Namespace) -> None:
    prefix = arguments.topic or f"bench-rebuild-{uuid.uuid4().hex[:8]}"
    kinds = [KINDS[name] for name in arguments.kinds.split(",")]
    topics = [kind.topic(prefix) for kind in kinds]
    workers = [int(n) for n in arguments.workers.split(",") if n]
    print(f"topics {', '.join(topics)}; load average before {load_average()}", flush=True)
    async with bench_kafka.scratch_topics(kafka, topics, arguments.keep):
        for kind, topic in zip(kinds, topics, strict=True):
            held = await bench_kafka.end_offsets(kafka, topic)
            if held == 0:
                meter = Meter()
                start = meter.sample()
                bench_kafka.fill(kafka, topic, binary(kind, arguments.events, str(uuid.uuid4())))
                spent = meter.since(start)
                print(f"filled {topic}: {arguments.events:,} events in {spent.seconds:.1f}s")
            elif held != arguments.events:
                print(f"{topic} holds {held:,} events (reused as it is)")
            report(kind, await measure(kafka, url, kind, topic, workers))
    print(
        f"\nload average after {load_average()}; topics {'kept' if arguments.keep else 'deleted'}"
    )


def stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--kinds", default="tick,attendance", help="tick, attendance or both")
    parser.add_argument(
        "--workers", default="1,2,3", help="worker counts, raw aiokafka and the kit's rebuild"
    )
    parser.add_argument("--keep", action="store_true", help="leave the topics for --topic")
    parser.add_argument("--topic", help="the prefix of topics kept by an earlier --keep run")
    arguments = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, stop)  # a stopped run still deletes its topics
    endpoints = start_infra()
    tune_gc()  # as every service process does (kn_servicekit.serve)
    asyncio.run(main(*endpoints, arguments))
