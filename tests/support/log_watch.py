"""A watch over every log line a test run writes (issue 15 item 3): none may hold a CPR-
shaped number, a token, or the name of a person the tests used.

Services log JSON lines to stderr (kn_servicekit.logging) when they run as processes, and
structlog's console lines when run in-process by a test; pytest captures each test's output
and its log records and hands them to its report, so the watch reads every captured line,
whatever the test (a test's own output counts too: it should not print a person either),
and at the end every log file the processes a test started wrote in its temporary folder.
The persons' names are the ones the test fixtures write (two capitalised words in a string
of tests/, e.g. "Anna Andersen"), the tokens those of the fixtures' token maps; the check
runs at the end of the session and fails it.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kn_contracts.cpr import looks_like_cpr

TESTS = Path(__file__).resolve().parents[1]
_NAME = re.compile(r'"([A-ZÆØÅ][a-zæøå]+ (?:[A-ZÆØÅ][a-zæøå]+ )?[A-ZÆØÅ][a-zæøå]+)"')
_TOKEN = re.compile(r'"((?:t|demo)-[a-z-]+)"\s*:')
_PERSON_TOKEN = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")  # a JWT: a person's token
# words of places, firms and networks (not persons) that look like names to the pattern
_NOT_PERSONS = re.compile(
    r"Øst|Nord|Syd|Vest|Fysio|Klinik|Kantinen|Aalborg|Esbjerg|Vejle|Aarhus|Odense|Lokaler|"
    r"Ansat|Netværk|Region|Danske|Dansk|Jylland|Sjælland|Center|Huset|Hus|Gade|Vej"
)


# a traceback's frame ('  File "x.py", line 12, in f') or a printed warning ("x.py:12:
# ResourceWarning: ..."): the next line echoes the program's source running there (a
# test's, which may name its test person), never data
_WARNING_HEADER = re.compile(r'^(\s*File ".*", line \d+, in |\S+\.py:\d+: \w+(Warning|Error): )')


def persons_and_tokens() -> tuple[set[str], set[str]]:
    """The persons' names and the tokens written in the test sources."""
    names: set[str] = set()
    tokens: set[str] = set()
    for path in TESTS.rglob("*.py"):
        text = path.read_text("utf-8")
        names |= {n for n in _NAME.findall(text) if not _NOT_PERSONS.search(n)}
        tokens |= set(_TOKEN.findall(text))
    return names, tokens


@dataclass
class LogWatch:
    """What the watch found, line by line."""

    names: set[str]
    tokens: set[str]
    lines: int = 0
    found: list[str] = field(default_factory=list)

    def read(self, test: str, captured: str) -> None:
        echoed = False  # the line after a frame's or warning's header echoes source code
        for line in captured.splitlines():
            if not line.strip():
                continue
            self.lines += 1
            if echoed and line.startswith("  ") and not _WARNING_HEADER.match(line):
                echoed = False
                continue
            echoed = _WARNING_HEADER.match(line) is not None
            text = line
            if line.startswith("{"):
                with contextlib.suppress(ValueError):  # a JSON line may escape what it holds
                    text = json.dumps(json.loads(line), ensure_ascii=False)
            what = self._what(text)
            if what is not None:
                self.found.append(f"{test}: {what} in {line[:300]}")

    def read_files(self, folder: Path) -> None:
        """Every `*.log` under `folder`: the log files of processes a test started (services,
        the web app), which pytest never captures."""
        for path in sorted(folder.rglob("*.log")):
            data = path.read_bytes()
            if b"\0" in data:
                continue  # a Kafka segment a test's own broker left, not a log of lines
            self.read(str(path.relative_to(folder)), data.decode("utf-8", errors="replace"))

    def _what(self, text: str) -> str | None:
        if looks_like_cpr(text):
            return "a CPR-shaped number"
        for token in self.tokens:
            if f'"{token}"' in text or f"Bearer {token}" in text:
                return f"the token {token}"
        if _PERSON_TOKEN.search(text):
            return "a person's token"
        for name in self.names:
            if name in text:
                return f"the name {name!r}"
        return None
