"""Run service processes (`python -m kn_<service>`) for the demo and end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from kn_deploy.process import pid_alive, read_pid, wait_until

DEFAULT_PORTS = {
    "web": 8100,
    "membership": 8101,
    "meetings": 8102,
    "finance": 8103,
    "reporting": 8104,
}


ADDRESS_IN_USE = "address already in use"  # uvicorn's words when its port is taken


class PortHeld(RuntimeError):
    """Another process listens on the port a service was started on."""

    def __init__(self, name: str, port: int, other_pid: object) -> None:
        held = f"process {other_pid}" if other_pid is not None else "another process"
        super().__init__(
            f"{name} could not take port {port}: {held} listens there. Stop it (`kn infra "
            f"down` stops a demo left running) or set KN_{name.upper()}_HTTP_PORT to a free port"
        )
        self.port = port


@dataclass
class ServiceProcess:
    """A running service process and where it listens."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_file: Path
    log_start: int = 0  # where this process's lines begin (a log may hold earlier runs')

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 60.0, probe: str = "/health") -> dict[str, Any]:
        """Poll /health (or /ready) until this process answers 200; fail fast if it dies, or
        if another process answers on its port (PortHeld: its answer names its pid)."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        # one client for every poll: making one (its TLS context) costs 50 ms of CPU here,
        # as much as the service's own start-up takes in some of the polls' time
        with httpx.Client(timeout=2.0) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    if ADDRESS_IN_USE in self._log_tail():
                        raise PortHeld(self.name, self.port, None)
                    raise RuntimeError(
                        f"{self.name} exited with {self.process.returncode}; see {self.log_file}"
                    )
                try:
                    response = http.get(f"{self.url}{probe}")
                    if response.status_code == 200:
                        body: dict[str, Any] = response.json()
                        if body.get("pid") != self.process.pid:
                            # a system left running, or another test's, bound it first
                            raise PortHeld(self.name, self.port, body.get("pid"))
                        return body
                    last = f"{response.status_code} {response.text}"
                except httpx.TransportError as exc:
                    last = repr(exc)
                time.sleep(0.2)
        raise TimeoutError(f"{self.name} not healthy after {timeout:.0f}s: {last}")

    def _log_tail(self) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(max(self.log_start, log.seek(0, os.SEEK_END) - 4096))
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_service(
    name: str,
    env: dict[str, str],
    log_dir: Path,
    port: int | None = None,
    pid_dir: Path | None = None,
) -> ServiceProcess:
    """Start one service with extra environment; its JSON logs go to `log_dir/<name>.log`.
    With `pid_dir`, it runs in a session of its own and its pid is recorded there, so it
    outlives this process and `stop_recorded` (`kn infra down`) stops it later; without,
    it ends when this process does, however that ends (kn_deploy.with_parent)."""
    port = port or int(os.environ.get(f"KN_{name.upper()}_HTTP_PORT", DEFAULT_PORTS[name]))
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{name}.log"
    full_env = {**os.environ, **env, f"KN_{name.upper()}_HTTP_PORT": str(port)}
    with log_file.open("ab") as log:
        start = log.tell()
        module = f"kn_{name}"
        command = [sys.executable, "-m", module]
        if pid_dir is None:
            command[2:] = ["kn_deploy.with_parent", str(os.getpid()), module]
        process = subprocess.Popen(
            command,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=pid_dir is not None,
        )
    if pid_dir is not None:
        pid_dir.mkdir(parents=True, exist_ok=True)
        (pid_dir / f"{name}.pid").write_text(str(process.pid))
    return ServiceProcess(name, port, process, log_file, start)


def stop_recorded(pid_dir: Path, timeout: float = 15.0) -> list[str]:
    """SIGTERM every service whose pid is recorded in `pid_dir` (SIGKILL after `timeout`);
    the names of those that ran."""
    stopped: list[str] = []
    for pid_file in sorted(pid_dir.glob("*.pid")):
        pid = read_pid(pid_file)
        if pid is not None and pid_alive(pid) and _runs_a_service(pid):
            os.kill(pid, signal.SIGTERM)
            if not wait_until(partial(_gone, pid), time.monotonic() + timeout):
                os.kill(pid, signal.SIGKILL)
            stopped.append(pid_file.stem)
        pid_file.unlink(missing_ok=True)
    return stopped


def _gone(pid: int) -> bool:
    return not pid_alive(pid)


def _runs_a_service(pid: int) -> bool:
    # a pid recorded before a reboot may belong to another program by now
    try:
        return b"kn_" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
