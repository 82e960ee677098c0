"""The command-to-read-model latency benchmark runs end to end, briefly, so it cannot rot:
the four services as processes, EKM's commands open-loop, meetings' view observed, the
observer's floor and the raw Kafka baseline measured. No timed assertions: it says what it
measured and that every command arrived."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.command_latency import Options, run
from kn_servicekit.kafka_access import KafkaAccess

pytestmark = pytest.mark.infra
FIGURES = (
    "command -> in meetings' view",
    "HTTP answer",
    "baseline: raw produce",
    "observer floor",
    "CPU per command",
    "load average",
    "ratio command/baseline",
)


def test_every_command_of_a_short_run_shows_in_meetings_view_and_is_reported(
    kafka_admin: KafkaAccess,
    test_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = Options(rate=5, seconds=3, networks=3, baseline_seconds=3)
    result = run(kafka_admin, test_database_url, options, tmp_path)
    assert [s.status for s in result.samples] == [201] * 15
    assert not any(math.isnan(s.seen) or math.isnan(s.produced) for s in result.samples)
    assert len(result.baseline) == 15
    assert result.floor
    printed = capsys.readouterr().out
    for figure in FIGURES:
        assert figure in printed, printed
