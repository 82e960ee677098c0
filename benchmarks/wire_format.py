"""CloudEvents binary mode (today) against structured mode, end to end, same events.

    .venv/bin/python -m benchmarks.wire_format [--events 200000] [--kinds tick,attendance]

For each event size (bench_events.py) and mode, one topic (3 partitions):
- produce as a relay does (kn_servicekit.relay's idempotent producer, the stored JSON
  payload sent as it is): binary = the Envelope's ce_* headers, value = the payload;
  structured = one JSON document, the attributes with the payload spliced in as `data`
  (structured.py), header content-type application/cloudevents+json;
- consume with aiokafka getmany and decode every record to its typed event with the
  contracts' pydantic models, every check kept: binary by kn_contracts.envelope.decode,
  structured by structured.Decoder.
Prints events/s and client CPU µs per event of each half, bytes per record on the wire,
then one record of each mode as `kcat -C -J` shows it (what an operator or a region system
sees). Topics are deleted at the end, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer

from benchmarks import bench_kafka
from benchmarks.bench_events import KINDS, Kind, messages
from benchmarks.common import start_infra
from benchmarks.cpu import Meter, Spent, load_average
from benchmarks.structured import Decoder
from benchmarks.structured import encode as encode_structured
from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, decode
from kn_contracts.topics import event_types
from kn_deploy.kcat import kcat_env, kcat_options
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.relay import make_producer
from kn_servicekit.tuning import tune_gc
from tests.support.ticks import Tick

BATCH = 1_000  # sends in flight before they are awaited, as a relay batch
Encoder = Callable[[str, Envelope], tuple[list[tuple[str, bytes]], bytes]]
Decode = Callable[[list[tuple[str, bytes]], bytes | None], tuple[Envelope, Event]]


def _binary(payload: str, envelope: Envelope) -> tuple[list[tuple[str, bytes]], bytes]:
    return envelope.headers(), payload.encode()  # as kn_servicekit.relay_send publishes


async def produce(
    kafka: KafkaAccess, topic: str, kind: Kind, count: int, encoder: Encoder
) -> tuple[Spent, float]:
    """(cost, mean bytes of value + headers) of publishing `count` events."""
    stored = [(key, envelope, event.model_dump_json())
              for key, envelope, event in messages(kind, count, str(uuid.uuid4()))]  # fmt: skip
    producer = make_producer(kafka, "bench-wire")
    await producer.start()
    meter, size = Meter(), 0
    try:
        start = meter.sample()
        pending = []
        for key, envelope, payload in stored:
            headers, value = encoder(payload, envelope)
            size += len(value) + sum(len(name) + len(text) for name, text in headers)
            pending.append(await producer.send(topic, value, key=key, headers=headers))
            if len(pending) >= BATCH:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
        return meter.since(start), size / count
    finally:
        await producer.stop()


async def consume(kafka: KafkaAccess, topic: str, decoder: Decode) -> tuple[int, Spent]:
    consumer = AIOKafkaConsumer(
        **kafka_options(kafka), enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    meter = Meter()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        start, count = meter.sample(), 0
        while not await caught_up(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    decoder(record.headers, record.value)
                count += len(records)
        return count, meter.since(start)
    finally:
        await consumer.stop()


def kcat(kafka: KafkaAccess, topic: str, width: int) -> str:
    """One record as `kcat -C -J` prints it (cut to `width` characters)."""
    if shutil.which("kcat") is None:
        return "(kcat is not installed: apt-get install kcat)"
    done = subprocess.run(
        ["kcat", "-b", kafka.bootstrap, *kcat_options(kafka), "-C", "-J", "-t", topic,
         "-p", "0", "-o", "beginning", "-c", "1", "-e"],
        capture_output=True, text=True, timeout=60, check=False, env=kcat_env(),
    )  # fmt: skip
    text: str = done.stdout.strip() or done.stderr.strip()
    return text if len(text) <= width else text[:width] + f" … ({len(text):,} characters)"


async def main(kafka: KafkaAccess, arguments: argparse.Namespace) -> None:
    prefix = f"bench-wire-{uuid.uuid4().hex[:8]}"
    kinds = [KINDS[name] for name in arguments.kinds.split(",")]
    modes = ("binary", "structured")
    topics = {(k.name, m): f"{prefix}-{m}-{k.name}" for k in kinds for m in modes}
    print(f"{arguments.events:,} events a topic; load average before {load_average()}")
    rows, shown = [], []
    async with bench_kafka.scratch_topics(kafka, list(topics.values()), keep=False):
        for kind in kinds:
            # every registered type in the union, as a real consumer's topic would need
            known: dict[str, type[Event]] = {**event_types(), Tick.ce_type(): Tick}
            structured = Decoder(list(known.values()))
            for mode in modes:
                topic = topics[(kind.name, mode)]
                binary = mode == "binary"
                encoder: Encoder = _binary if binary else encode_structured
                made, size = await produce(kafka, topic, kind, arguments.events, encoder)
                decoder: Decode = structured.decode
                if binary:
                    decoder = functools.partial(decode, catalog=kind.catalog)
                count, read = await consume(kafka, topic, decoder)
                assert count == arguments.events, (count, arguments.events)
                rows.append((kind.name, mode, size, made, read, count))
                shown.append(
                    (kind.name, mode, kcat(kafka, topic, 900 if kind.name == "tick" else 700))
                )
    heads = f"{'produce/s':>10} {'µs/event':>8} {'consume+decode/s':>17} {'µs/event':>8}"
    print(f"  {'event':<11} {'mode':<11} {'bytes':>6} {heads}  (client CPU)")
    for name, mode, size, made, read, count in rows:
        produced = f"{count / made.seconds:>10,.0f} {made.per_event(count)[0]:>8.2f}"
        consumed = f"{count / read.seconds:>17,.0f} {read.per_event(count)[0]:>8.2f}"
        print(f"  {name:<11} {mode:<11} {size:>6,.0f} {produced} {consumed}")
    for name, mode, text in shown:
        print(f"\n{name}, {mode} mode, as `kcat -C -J` shows it:\n{text}")
    print(f"\nload average after {load_average()}")


def stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--kinds", default="tick,attendance")
    arguments = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, stop)  # a stopped run still deletes its topics
    endpoints = start_infra()
    tune_gc()  # as every service process does
    asyncio.run(main(endpoints[0], arguments))
