"""The kit's logging: JSON lines on whatever stderr is now, and no outbound URL at INFO."""

from __future__ import annotations

import io
import json
import logging
import sys
import time

import pytest

from kn_servicekit.logging import configure_logging


@pytest.fixture
def restored() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def _configured(monkeypatch: pytest.MonkeyPatch, service: str) -> io.StringIO:
    """Logging configured for `service` at INFO, its lines written to the stream returned."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    configure_logging(service, "INFO")
    return out


def test_lines_go_to_the_stderr_of_the_moment_not_the_one_at_configuration(
    restored: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test's captured stderr closes after it; a handler holding it made every later line
    a 'Logging error' dumping its arguments (a refused CPR number among them)."""
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("membership", "INFO")
    first.close()
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("kn").warning("still_written")
    line = json.loads(second.getvalue().strip())
    assert (line["event"], line["service"]) == ("still_written", "membership")


def test_an_outbound_requests_url_is_not_logged_at_info(
    restored: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _configured(monkeypatch, "web")
    logging.getLogger("httpx").info("HTTP Request: GET http://s/v1/x?on=0101901234")
    assert out.getvalue() == ""


def test_a_librarys_repeated_line_is_written_once_a_window_then_with_the_count_held_back(
    restored: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _configured(monkeypatch, "membership")
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # a LogRecord's `created`
    monkeypatch.setattr(time, "time_ns", lambda: int(clock[0] * 1e9))  # (Python 3.13's)
    kafka = logging.getLogger("aiokafka.conn")
    for _ in range(500):  # as aiokafka logs each retry while a broker is down
        kafka.error("Unable connect to node with id %s: %s", 1, "Connect call failed")
        logging.getLogger("kn").error("ours_every_time")
        clock[0] += 0.1
    kafka.error("Unable to update metadata from [%s]", 1)  # another kind: its own window
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    theirs = [line["event"] for line in lines if line["logger"] == "aiokafka.conn"]
    assert theirs == [
        "Unable connect to node with id 1: Connect call failed",  # at 1000 s
        "Unable connect to node with id 1: Connect call failed (299 more like it in 30 s)",
        "Unable to update metadata from [1]",
    ]
    assert sum(line["event"] == "ours_every_time" for line in lines) == 500
