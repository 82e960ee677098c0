"""Kafka stopped under traffic for minutes: a membership process takes EKM's cluster renames
at a steady rate while its broker is stopped (SIGTERM) and started again on the same data;
then every record is read back and counted.

    .venv/bin/python -m benchmarks.outage [--down 120] [--rate 10]

The broker is one of this run's own (a single KRaft node from the shared jars, on free ports,
deleted afterwards), never the shared one tests use; the database is the scratch database
on the shared PostgreSQL. The same scenario runs for 30 s in the suite (tests/test_outages.py).
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from benchmarks.common import start_infra
from kn_deploy.layout import cache_dir
from tests.support.kafka_outage import KafkaOutage, kafka_outage
from tests.support.private_infra import private_kafka


def report(outage: KafkaOutage) -> bool:
    """Print the counts; True if everything accepted reached Kafka once and in order."""
    counted, traffic = outage.published, outage.traffic
    unready = [status for at, status, _ in outage.readiness if outage.stopped < at < outage.up]
    rows = [
        ("kafka stopped", f"{outage.restarting - outage.stopped:.0f} s"),
        ("its start took", f"{outage.up - outage.restarting:.1f} s"),
        ("commands accepted", f"{len(traffic.accepted)} ({len(outage.while_down)} while away)"),
        ("answers", ", ".join(f"{k}: {v}" for k, v in sorted(traffic.answers.items()))),
        ("published (distinct ce_id)", str(counted.ids)),
        ("duplicates", str(counted.duplicates)),
        ("out of order", f"{counted.out_of_order} by partition, {counted.misordered_keys} keys"),
        ("lost", str(len(counted.lost))),
        ("time to catch up", f"{outage.caught_up - outage.up:.1f} s after Kafka was back"),
        ("/ready while away", f"{unready.count(503)} of {len(unready)} probes 503"),
        ("/ready after", str(outage.ready_after)),
    ]
    for name, value in rows:
        print(f"{name:<28} {value}")
    return counted.exactly_once_in_order and set(traffic.answers) == {"201"}


def main(down: float, rate: float) -> int:
    _, database_url = start_infra()
    logs = cache_dir() / "outage"
    print(f"membership's log: {logs / 'membership.log'}")
    with (
        tempfile.TemporaryDirectory(prefix="kn-outage-") as folder,
        private_kafka(Path(folder) / "kafka") as broker,
    ):
        outage = asyncio.run(kafka_outage(broker, database_url, logs, down=down, rate=rate))
    return 0 if report(outage) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--down", type=float, default=120.0, help="seconds Kafka stays stopped")
    parser.add_argument("--rate", type=float, default=10.0, help="commands a second")
    arguments = parser.parse_args()
    sys.exit(main(arguments.down, arguments.rate))
