"""What command_latency measured of each command, and the figures it prints."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.latency_parts import line


@dataclass
class Sample:
    sent: float = math.nan  # released by the schedule
    began: float = math.nan  # taken by a free connection of the client's pool
    answered: float = math.nan
    status: int = 0
    error: str = ""  # the transport's, when there is no status
    produced: float = math.nan  # the relay's send (the record's CreateTime, 1 ms resolution)
    seen: float = math.nan


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)
    rate: float = 0.0
    baseline: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # CPU, the services' own /metrics
    load: list[str] = field(default_factory=list)  # before, after


def report(result: Result, rate: float, seconds: float, conditions: str) -> None:
    """Print the run's figures."""
    samples = result.samples
    good = [s for s in samples if s.status == 201 and not math.isnan(s.seen)]
    failed = Counter(s.status or s.error for s in samples if s.status != 201)
    unseen = sum(1 for s in samples if s.status == 201 and math.isnan(s.seen))
    print(f"conditions: {conditions}; load average before {result.load[0]}, after "
          f"{result.load[-1]}")  # fmt: skip
    answered = [s.answered for s in samples if not math.isnan(s.answered)]
    span = max(answered, default=0.0) - samples[0].sent if samples else 0.0
    print(f"sent {len(samples)} commands open-loop at {rate:g}/s for "
          f"{seconds:g}s: released at {result.rate:.1f}/s, answered at "
          f"{len(answered) / span if span > 0 else 0:.1f}/s; not 201: {dict(failed) or 0}; "
          f"{unseen} answered but never seen")  # fmt: skip
    for note in result.notes:
        print(note)
    line("observer floor (commit -> seen)", result.floor)
    total = line("command -> in meetings' view", [s.seen - s.sent for s in good])
    with_time = [s for s in good if not math.isnan(s.produced)]
    line("  sent -> relay's send", [s.produced - s.sent for s in with_time])
    line("  relay's send -> in view", [s.seen - s.produced for s in with_time])
    line("HTTP answer", [s.answered - s.sent for s in good])
    line("  of it waiting for a connection", [s.began - s.sent for s in good])
    base = line("baseline: raw produce -> consume", result.baseline)
    if total and base:
        print(f"ratio command/baseline: p50 {total[0] / base[0]:.1f}x, "
              f"p99 {total[2] / base[2]:.1f}x (target p99 <= 50 ms: "
              f"{'met' if total[2] <= 50 else 'missed'})")  # fmt: skip
