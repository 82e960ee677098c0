"""Small process helpers shared by the Kafka and PostgreSQL runtimes."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from subprocess import CompletedProcess


def read_pid(path: Path) -> int | None:
    """The pid written in `path`, if any."""
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()
    except FileNotFoundError:
        return False
    if status and status[0] == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def wait_until(condition: Callable[[], bool], deadline: float, interval: float = 0.2) -> bool:
    """Poll `condition` until it holds or the monotonic `deadline` passes."""
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class ExternalCommandFailed(RuntimeError):
    """An external program (initdb, pg_ctl, mvn, apt-get, java) failed; carries its output."""

    def __init__(self, what: str, command: Sequence[str], result: CompletedProcess[str], hint: str):
        output = (result.stderr.strip() or result.stdout.strip() or "(it printed nothing)")[-4000:]
        super().__init__(
            f"{what} failed with exit status {result.returncode}.\n"
            f"command: {shlex.join(command)}\n"
            f"its output:\n{textwrap.indent(output, '  ')}\n"
            f"what to do: {hint}"
        )
        self.returncode = result.returncode


def run_checked(
    command: Sequence[str], *, what: str, hint: str, secret: str | None = None
) -> CompletedProcess[str]:
    """Run an external program; on failure raise with its own output and what to do (an
    argument holding a `secret` is shown as ***)."""
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise RuntimeError(f"{what}: {command[0]} is not installed. What to do: {hint}") from exc
    if result.returncode != 0:
        shown = [("***" if secret and secret in arg else arg) for arg in command]
        raise ExternalCommandFailed(what, shown, result, hint)
    return result
