"""`kn dlq` reads whole dead-letter topics: it shows how far it is (a bar in a terminal,
plain lines when not), and names the trace a letter came with (issue 17 item 5)."""

from __future__ import annotations

import asyncio
import io
import sys
import uuid

import pytest

from kn_deploy.cli import main
from kn_deploy.infra import kafka_env
from kn_deploy.pytest_plugin import unique
from kn_servicekit.kafka_access import KafkaAccess
from tests.deploy.test_dlq_cli import park
from tests.support.ticks import create_topic, tick, tick_message

pytestmark = pytest.mark.infra

TRACE = "0af7651916cd43dd8448eb211c80319c"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def topic(kafka_admin: KafkaAccess, monkeypatch: pytest.MonkeyPatch) -> str:
    """A topic with three dead letters, the first of them caused by a traced request."""
    for setting, given in kafka_env(kafka_admin).items():
        monkeypatch.setenv(setting, given)
    name = unique("ops")
    asyncio.run(create_topic(kafka_admin, name))
    for n in range(3):
        headers, value = tick_message(str(uuid.uuid4()), tick("a", n))
        if n == 0:
            headers.append(("ce_traceparent", f"00-{TRACE}-b7ad6b7169203331-01".encode()))
        asyncio.run(park(kafka_admin, name, value, headers, offset=40 + n))
    return name


def test_kn_dlq_list_writes_plain_progress_lines_when_not_in_a_terminal(
    topic: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dlq", "list", "--topic", topic]) == 0
    out, err = capsys.readouterr()
    assert "3 dead letter(s), 3 message(s) pending" in out
    assert f"{topic}[2]@40 consumer=members type=dk.kvalitetsnet.test.Tick.v1" in out
    assert out.count(f" trace={TRACE} ") == 1  # to grep the services' logs for
    said = [line for line in err.splitlines() if line.startswith("dlq list: ")]
    assert said[-1].startswith("dlq list: 3/3 records, ")
    assert "\r" not in err


def test_kn_dlq_list_and_redrive_draw_a_bar_in_a_terminal(
    topic: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["dlq", "list", "--topic", topic]) == 0
    bar = terminal.getvalue().split("\r")[-1]
    assert bar.startswith(f"dlq list [{'#' * 30}] 3/3 records, ")
    assert bar.endswith("ETA 0s\n")
    assert main(["dlq", "redrive", "--topic", topic, "--all"]) == 0
    assert "3 letter(s) sent back" in capsys.readouterr().out
    assert f"dlq redrive [{'#' * 30}] 3/3 records, " in terminal.getvalue()
