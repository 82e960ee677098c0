"""The audit replay at national scale (issue 13 item 3): `kn audit`'s replay over a
synthetic national log, beside a raw read of the same topics, and the replay's peak RSS.

    .venv/bin/python -m benchmarks.audit_replay [--scale 1] [--years 10] [--keep]
    .venv/bin/python -m benchmarks.audit_replay --prefix <kept prefix>   # replay it again

--scale 1 is 20 x today's scale: 4,000 networks of about ten holders (40,000 holders) over
ten years, 2016-2025 (audit_story.py says what happens in them), about 1.1 million events
on kn.membership.events, kn.meetings.events, kn.finance.events and kn.finance.payouts,
encoded as the relays publish them (kn_contracts.envelope with ce_knlog and ce_sequence,
keyed by network) on a fresh topic prefix. Finance's decisions and payouts in it are made
by finance's own code, so the audit finds 0 differences. Then, in this run: a bare aiokafka
getmany loop over the four topics (the raw read rate), and `kn_deploy.audit.replay` as of
2026-06-30 in a subprocess of its own, whose peak RSS (VmHWM; and its largest worker's) is
printed, once for each count of --workers (1, 2 and 3: the partitions split among that
many processes, kn audit --workers), each giving the same digest. Targets:
replay >= 50,000 events/s; peak RSS under 300 MB whatever the log's length (compare
--scale 0.25 with --scale 1). The topics are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

from benchmarks.audit_log import SCHEME, TOPIC, build
from kn_deploy import infra
from kn_deploy.audit_read import BATCH, FETCH_BYTES
from kn_deploy.infra import kafka_env
from kn_servicekit.kafka import caught_up, partitions_of
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.topics import ensure_topics
from kn_servicekit.tuning import GC_THRESHOLDS

UNTIL = dt.date(2026, 6, 30)


async def raw_read(kafka: KafkaAccess, prefix: str, decode: bool = False) -> tuple[int, float]:
    """A bare getmany loop over the four topics, from the consumer's start; with `decode`
    it also runs the kit's decode_batch on each fetch (envelope, typed event with its CPR
    look, provenance, the replay's cutoff), as the replay does: the floor under it."""
    from kn_contracts.topics import catalog
    from kn_servicekit.batches import decode_batch
    from kn_servicekit.projection import Cutoff
    from kn_servicekit.provenance import Provenance

    names = [prefix + t.name for t in TOPIC.values()]
    events, provenance, cutoff = catalog(), Provenance(names), Cutoff(UNTIL)
    started = time.perf_counter()
    consumer = AIOKafkaConsumer(**kafka_options(kafka), enable_auto_commit=False,
                                max_partition_fetch_bytes=FETCH_BYTES,
                                fetch_max_bytes=4 * FETCH_BYTES)  # fmt: skip
    await consumer.start()
    try:
        partitions = [tp for name in names for tp in await partitions_of(consumer, name)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        count = 0
        while not await caught_up(consumer, ends):
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            count += sum(len(records) for records in batch.values())
            if decode and batch:
                decode_batch(batch, events, cutoff, provenance)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


def replay_in_child(kafka: KafkaAccess, prefix: str, workers: int) -> dict[str, Any]:
    """`replay` in a fresh process (the RSS is the replay's alone)."""
    command = ["-m", "benchmarks.audit_replay", "--child", prefix, "--workers", str(workers)]
    ran = subprocess.run(
        [sys.executable, *command],
        env={**os.environ, **kafka_env(kafka)},
        capture_output=True,
        text=True,
        check=False,
    )
    if ran.returncode != 0:
        raise SystemExit(f"the replay failed:\n{ran.stderr}")
    return dict(json.loads(ran.stdout.splitlines()[-1]))


def child(kafka: KafkaAccess, prefix: str, workers: int) -> None:
    """The replay (run by replay_in_child), its figures written to /dev/null and digested."""
    import resource

    from kn_deploy.audit import replay
    from kn_rules.audit import AsOf

    with open(os.devnull, "wb") as out:
        found = asyncio.run(
            replay(kafka, AsOf(UNTIL), SCHEME, prefix, False, out=out, workers=workers)
        )
    # VmHWM, not ru_maxrss: after fork and exec, ru_maxrss still counts the parent's pages
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    peak = int(status["VmHWM"].split()[0]) / 1024
    # the workers' (spawned, so their own pages): the largest of them
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"read": found.read, "seconds": found.seconds, "digest": found.digest,
                      "read_seconds": found.read_seconds, "networks": found.networks,
                      "size": found.size, "differences": len(found.differences),
                      "left_out": found.left_out, "repeated": found.repeated,
                      "peak_mb": peak, "worker_peak_mb": worker_peak}))  # fmt: skip


def main(arguments: argparse.Namespace) -> None:
    from benchmarks.common import start_infra
    from tests.support.kafka import drop_topics

    kafka, _ = start_infra()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    prefix = arguments.prefix or f"bench{uuid.uuid4().hex[:8]}."
    try:
        if not arguments.prefix:
            asyncio.run(ensure_topics(kafka, TOPIC.values(), prefix=prefix))
            started = time.perf_counter()
            count = asyncio.run(build(kafka, prefix, arguments.scale, arguments.years))
            built = time.perf_counter() - started
            print(f"built {count:,} events (scale {arguments.scale}, {arguments.years} years) "
                  f"on {prefix}* in {built:.0f}s")  # fmt: skip
        gc.set_threshold(*GC_THRESHOLDS)  # as the replay collects while it runs
        raw, raw_seconds = asyncio.run(raw_read(kafka, prefix))
        decoded, decoded_seconds = asyncio.run(raw_read(kafka, prefix, decode=True))
        raw_rate = raw / raw_seconds
        print(f"raw aiokafka getmany     : {raw_rate:>9,.0f} events/s ({raw:,} in "
              f"{raw_seconds:.1f}s)")  # fmt: skip
        print(f"getmany + kit decode only: {decoded / decoded_seconds:>9,.0f} events/s "
              f"({decoded_seconds:.1f}s): the floor under one process's replay")  # fmt: skip
        digests = set()
        for workers in arguments.workers:
            found = replay_in_child(kafka, prefix, workers)
            rate = found["read"] / found["seconds"]
            digests.add(found["digest"])
            print(f"audit replay, {workers} worker(s): {rate:>9,.0f} events/s "
                  f"({rate / raw_rate:.2f} x raw; {found['read']:,} in {found['seconds']:.1f}s: "
                  f"{found['read_seconds']:.1f}s reading, the rest folding and writing "
                  f"{found['networks']:,} networks' figures, {found['size'] / 1e6:.0f} MB of "
                  f"JSON); target >= 50,000")  # fmt: skip
            most = found["worker_peak_mb"]
            workers_peak = f", largest worker {most:.0f} MB" if workers > 1 else ""
            print(f"  peak RSS (VmHWM) {found['peak_mb']:.0f} MB{workers_peak} (target < 300 MB); "
                  f"differences {found['differences']}, left out {found['left_out']}, "
                  f"repeats {found['repeated']}")  # fmt: skip
        same = "the same" if len(digests) == 1 else "DIFFERENT"
        print(f"sha256 {', '.join(sorted(digests))} ({same} for every count of workers)")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if arguments.keep:
            print(f"kept: --prefix {prefix}")
        else:
            asyncio.run(drop_topics(kafka, prefix))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 40,000 holders")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--prefix", help="replay a log kept by --keep instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the topics afterwards")
    parser.add_argument("--workers", type=lambda t: [int(n) for n in t.split(",")],
                        default=[1, 2, 3], help="replay with each count, e.g. 1,2,3")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(infra.endpoints().kafka(), args.child, args.workers[0])
    else:
        main(args)
