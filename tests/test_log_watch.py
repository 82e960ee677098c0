"""The log watch (issue 15 item 3) finds what a log line must never hold."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.log_watch import LogWatch, persons_and_tokens


def test_the_watch_finds_a_name_a_token_and_a_cpr_number_in_any_log_format() -> None:
    watch = LogWatch({"Anna Andersen"}, {"t-ekm"})
    watch.read("t", "2026-12-01 10:00:00 [info     ] member_joined name=Anna Andersen")
    watch.read("t", '{"event": "request", "authorization": "Bearer t-ekm"}')
    watch.read("t", '{"event": "letter", "reason": "clinic \\u0030101901234"}')
    watch.read("t", '{"event": "member_joined", "person_id": "p-03", "ydernummer": "240117"}')
    assert [found.split(" in ")[0] for found in watch.found] == [
        "t: the name 'Anna Andersen'",
        "t: the token t-ekm",
        "t: a CPR-shaped number",
    ]
    assert watch.lines == 4


def test_the_watch_knows_the_persons_and_tokens_the_tests_use() -> None:
    names, tokens = persons_and_tokens()
    assert {"Anna Andersen", "Bo Bertelsen", "Pia Poulsen"} <= names
    assert not any("Øst" in name or "Fysio" in name for name in names)
    assert {"t-ekm", "demo-ekm"} <= tokens


def test_the_watch_finds_a_persons_token_whoever_issued_it() -> None:
    """Issue 16 item 4: no person's token (a JWT EKM signed) in any log line."""
    watch = LogWatch(set(), set())
    watch.read("t", "request authorization=Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJwLTA0In0.c2ln")
    watch.read("t", '{"event": "whoami", "person_id": "p-04"}')
    assert [found.split(" in ")[0] for found in watch.found] == ["t: a person's token"]


def test_the_source_line_a_traceback_or_warning_echoes_is_program_text_not_a_log() -> None:
    """A traceback or warning printed while a test runs echoes the test's source lines
    (which may name a test person); the watch passes those and still reads every other."""
    watch = LogWatch({"Anna Berg"}, set())
    watch.read("t", "tests/x.py:41: ResourceWarning: unclosed <socket>\n"
               '  await eventually(lambda: names == ["Anna Berg"])\n'
               '  File "tests/x.py", line 41, in test_x\n'
               '    await eventually(lambda: names == ["Anna Berg"])\n'
               '{"event": "member_joined", "name": "Anna Berg"}')  # fmt: skip
    assert [found.split(" in ")[0] for found in watch.found] == ["t: the name 'Anna Berg'"]


def test_the_watch_reads_the_log_files_of_the_processes_a_test_started() -> None:
    watch = LogWatch({"Anna Andersen"}, set())
    # outside the run's temporary folders, which the watch reads at the end of the run
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder) / "test_x0" / "logs"
        logs.mkdir(parents=True)
        (logs / "meetings.log").write_text(
            '{"event": "http_request", "correlation_id": "in-2025-06-11-Anna Andersen"}\n'
            '{"event": "http_request", "correlation_id": "in-2025-06-11-guest-5d41402a"}\n'
        )
        (logs / "meetings.txt").write_text("Anna Andersen\n")  # not a log file
        (logs / "00000000000000000000.log").write_bytes(b"\0\0\0\x2aAnna Andersen")  # Kafka's
        watch.read_files(Path(folder))
    assert [found.split(" in ")[0] for found in watch.found] == [
        "test_x0/logs/meetings.log: the name 'Anna Andersen'"
    ]
    assert watch.lines == 2
