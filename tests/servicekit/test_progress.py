"""The one progress meter of the long CLI reads (`kn audit`, `kn dlq`, `kn-<service>
rebuild`): a bar in a terminal, plain lines when not (issue 17 item 5)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest

from kn_servicekit.progress import Progress, following
from tests.support.waiting import eventually


class Terminal(io.StringIO):
    """What stderr is in a terminal, as far as the meter asks."""

    def isatty(self) -> bool:
        return True


def test_in_a_terminal_the_meter_is_one_bar_redrawn_with_count_rate_and_eta() -> None:
    out = Terminal()
    meter = Progress(200, "rebuild membership_view", "messages", out=out)
    meter.advance(50)
    meter.advance(150)
    drawn = out.getvalue().split("\r")[1:]
    assert len(drawn) == 2  # each advance redraws the same line
    assert drawn[0].startswith("rebuild membership_view [#######.......................] 50/200")
    assert "messages, " in drawn[0]
    assert "/s, ETA " in drawn[0]
    assert drawn[1].startswith(f"rebuild membership_view [{'#' * 30}] 200/200 messages")
    assert drawn[1].endswith("ETA 0s\n")  # done: the line ends
    meter.finish()
    assert out.getvalue().count("\n") == 1  # finishing a finished bar adds nothing


def test_a_bar_stopped_short_of_its_total_ends_its_line_when_finished() -> None:
    out = Terminal()
    meter = Progress(10, "dlq list", "records", out=out)
    meter.advance(4)
    assert not out.getvalue().endswith("\n")
    meter.finish()
    last = out.getvalue().split("\r")[-1]
    assert last.startswith(f"dlq list [{'#' * 30}] 4/4 records, ")
    assert last.endswith(", ETA 0s\n")


def test_when_not_a_terminal_the_meter_writes_a_plain_line_every_few_seconds() -> None:
    out = io.StringIO()  # a log file, a pipe, CI
    meter = Progress(300, "audit", out=out, every=3600.0)
    for _ in range(3):
        meter.advance(100)
    lines = out.getvalue().splitlines()
    assert [line.split(", ")[0] for line in lines] == [
        "audit: 100/300 events",
        "audit: 300/300 events",
    ]
    assert "\r" not in out.getvalue()
    assert "#" not in out.getvalue()
    meter.finish()
    assert len(out.getvalue().splitlines()) == 2  # the last count is said once


def test_the_first_plain_line_comes_at_once_on_a_machine_booted_minutes_ago(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 600.0)  # 10 minutes since boot
    out = io.StringIO()
    meter = Progress(300, "audit", out=out, every=3600.0)
    meter.advance(100)
    assert out.getvalue().startswith("audit: 100/300 events")


def test_a_meter_counts_more_than_its_total_said_when_told() -> None:
    out = io.StringIO()
    meter = Progress(1, "dlq list", "records", out=out, every=0.0)
    meter.expect(2)
    meter.advance(3)
    assert out.getvalue().startswith("dlq list: 3/3 records")


async def test_following_a_counter_advances_the_meter_without_a_hook_in_the_reader() -> None:
    out = io.StringIO()
    meter = Progress(6, "rebuild tally", "messages", out=out, every=0.0)
    read = 0

    async def counted() -> int:
        return meter.done

    def reached(want: int) -> Callable[[int], bool]:
        return lambda done: done == want

    async with following(meter, lambda: read, every=0.01):
        for _ in range(3):
            read += 2
            await eventually(counted, reached(read), within=5)
    counts = [line.split(" messages")[0] for line in out.getvalue().splitlines()]
    assert counts[0] == "rebuild tally: 2/6"
    assert counts[-1] == "rebuild tally: 6/6"
    assert meter.done == 6
