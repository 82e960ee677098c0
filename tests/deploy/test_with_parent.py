"""A service started for a test or a demo ends with the process that started it, however
that one ends (a test worker killed by its timeout left services holding their ports)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from kn_deploy.process import wait_until
from tests.support.processes import REPO, ended, python_env

STARTER = """
import os, signal, subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "kn_deploy.with_parent", str(os.getpid()),
                          "tests.support.sleeper"])
print(child.pid, flush=True)
signal.pause()
"""


def test_a_child_ends_when_its_starter_is_killed_with_sigkill() -> None:
    env = python_env()
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    assert starter.stdout is not None
    child = int(starter.stdout.readline())
    assert wait_until(lambda: _running(child, "tests.support.sleeper"), _after(10))
    starter.send_signal(signal.SIGKILL)
    starter.wait()
    starter.stdout.close()
    assert wait_until(lambda: ended(child), _after(10))


def test_a_child_whose_starter_is_already_gone_does_not_start() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kn_deploy.with_parent", "1", "tests.support.sleeper"],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "the process that started it (1) is gone" in done.stderr


def _after(seconds: float) -> float:
    return time.monotonic() + seconds


def _running(pid: int, module: str) -> bool:
    try:
        return module in Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    except OSError:
        return False
