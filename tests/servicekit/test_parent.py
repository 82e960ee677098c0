"""A rebuild's worker ends with the parent that started it, however that one ends: a
parent killed had left its workers replaying into a schema no reader would ever use."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from kn_deploy.process import pid_alive, wait_until
from tests.support.processes import REPO, ended, python_env

WORKER = (
    "import signal; from kn_servicekit.parent import end_with_starter; "
    "end_with_starter('probe'); print('placed', flush=True); signal.pause()"
)
PARENT = f"""
import asyncio, signal, sys
from kn_servicekit.rebuild_workers import _start

async def main():
    process, _ = await _start([sys.executable, "-c", {WORKER!r}], "scratch", [])
    print(process.pid, flush=True)
    assert (await process.stdout.readline()).strip() == b"placed"
    print("placed", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def test_a_rebuild_worker_ends_when_its_parent_is_killed_with_sigkill() -> None:
    env = python_env()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == "placed"
    assert pid_alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    assert wait_until(lambda: ended(worker), time.monotonic() + 10)


def test_a_worker_whose_parent_is_already_gone_does_not_start() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=REPO, capture_output=True, text=True, timeout=30,
        env={**os.environ, "KN_PARENT_PID": "1"}, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "probe: the process that started it (1) is gone" in done.stderr
