"""CPU time split by who spent it, from /proc: this process (and the children it waited
for), the Kafka broker (the java process `kn infra` started) and the PostgreSQL cluster (its
postmaster and every backend under it; a backend that exits mid-run is counted through the
postmaster's children times).

Kafka and PostgreSQL are shared: what another engineer's tests make them do in the same
seconds is counted too, which is why the load average is printed beside the figures.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from kn_deploy import kafka, postgres
from kn_deploy.process import read_pid

TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    """CPU seconds so far of the client, the broker and PostgreSQL, and the wall clock."""

    wall: float
    client: float
    broker: float
    postgres: float


@dataclass(frozen=True)
class Spent:
    """What one measured stretch cost."""

    seconds: float
    client: float
    broker: float
    postgres: float

    def per_event(self, events: int) -> tuple[float, float, float]:
        """µs of CPU per event: client, broker, PostgreSQL."""
        scale = 1e6 / max(1, events)
        return self.client * scale, self.broker * scale, self.postgres * scale

    def plus_client(self, seconds: float) -> Spent:
        """With CPU of other client processes (workers) added."""
        return Spent(self.seconds, self.client + seconds, self.broker, self.postgres)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _cpu(fields: list[str], children: bool = False) -> float:
    # utime, stime (fields 14, 15), cutime, cstime (16, 17): index 11.. after the state
    used = int(fields[11]) + int(fields[12])
    if children:
        used += int(fields[13]) + int(fields[14])
    return used / TICK


def process_cpu(pid: int | None) -> float:
    """utime + stime of one process (all its threads), 0 if it is not there."""
    fields = None if pid is None else _stat(pid)
    return 0.0 if fields is None else _cpu(fields)


def cluster_cpu(postmaster: int | None) -> float:
    """The postmaster, the children it reaped, and every live backend under it."""
    if postmaster is None:
        return 0.0
    own = _stat(postmaster)
    total = 0.0 if own is None else _cpu(own, children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == postmaster:
                total += _cpu(fields)
    return total


def client_cpu() -> float:
    """This process's CPU (every thread, librdkafka's too) and its reaped children's."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Meter:
    """Samples before and after a stretch of work."""

    def __init__(self) -> None:
        self.broker_pid = kafka.running_pid(kafka.KafkaLocal.default())
        self.postmaster = read_pid(postgres.PostgresLocal.default().data / "postmaster.pid")

    def sample(self) -> Sample:
        return Sample(
            time.perf_counter(),
            client_cpu(),
            process_cpu(self.broker_pid),
            cluster_cpu(self.postmaster),
        )

    def since(self, start: Sample) -> Spent:
        end = self.sample()
        return Spent(
            end.wall - start.wall,
            end.client - start.client,
            end.broker - start.broker,
            end.postgres - start.postgres,
        )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
