"""The kit's logging: JSON lines on whatever stderr is now, and no outbound URL at INFO."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from kn_servicekit.logging import configure_logging


@pytest.fixture
def restored() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


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
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    configure_logging("web", "INFO")
    logging.getLogger("httpx").info("HTTP Request: GET http://s/v1/x?on=0101901234")
    assert out.getvalue() == ""
