"""`kn-meetings rebuild` shows how far the replay is: a bar on a terminal's stderr, plain
lines in a log, and no line per event it replays (issue 17 item 5)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

import asyncpg
import pytest

from tests.meetings.service import Running, joined
from tests.meetings.test_rebuild import live_schema

pytestmark = pytest.mark.infra


async def rebuild(service: Running, *, terminal: bool) -> tuple[int, str, str]:
    """`kn-meetings rebuild membership_view` as an operator runs it, its stderr a terminal
    (a pseudo-terminal) or a pipe; (exit code, stdout, stderr)."""
    env = {**os.environ, **service.box.env("meetings"),
           "KN_MEETINGS_DATABASE_URL": service.settings.database_url}  # fmt: skip
    leader, follower = os.openpty() if terminal else (-1, -1)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kn_meetings", "rebuild", "membership_view", env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=follower if terminal else asyncio.subprocess.PIPE,
    )  # fmt: skip
    if not terminal:
        out, err = await asyncio.wait_for(process.communicate(), 60)
        return process.returncode or 0, out.decode(), err.decode()
    os.close(follower)
    drawn = asyncio.create_task(asyncio.to_thread(_read_all, leader))
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), (await drawn).decode()


def _read_all(fd: int) -> bytes:
    chunks = []
    try:
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
    except OSError:  # EIO: the terminal's other side closed
        pass
    finally:
        os.close(fd)
    return b"".join(chunks)


async def test_a_rebuild_draws_a_bar_in_a_terminal_and_writes_lines_in_a_log(
    service: Running,
) -> None:
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)),
        joined("p-carl", "Carl Mose", "654321", dt.date(2025, 1, 1)),
    )
    url = service.settings.database_url
    schemas = [await live_schema(url)]
    try:
        code, out, err = await rebuild(service, terminal=False)
        assert code == 0, err
        schemas.append(await live_schema(url))
        assert "rebuilt membership_view: 4 message(s) read, 4 applied" in out
        said = [line for line in err.splitlines() if line.startswith("rebuild membership_view:")]
        assert said[-1].startswith("rebuild membership_view: 4/4 messages, ")
        assert "\r" not in err
        assert "event_applied" not in err  # a replay of history logs no line per event

        code, out, err = await rebuild(service, terminal=True)
        assert code == 0, err
        schemas.append(await live_schema(url))
        drawn = [part for part in err.split("\r") if part.startswith("rebuild ")]
        bar = drawn[-1]
        assert bar.startswith(f"rebuild membership_view [{'#' * 30}] 4/4 messages, ")
        assert "ETA 0s" in bar
        assert "event_applied" not in err
    finally:
        conn = await asyncpg.connect(url)
        try:  # the live one is the fixture's to drop
            for schema in schemas[:-1]:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
