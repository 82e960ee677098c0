"""Start and SIGKILL the worker processes of the fault tests; an environment that finds the
project's modules, and whether a child has ended."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kn_deploy.infra import kafka_env
from kn_deploy.process import pid_alive
from kn_servicekit.kafka_access import KafkaAccess

Chunk = TypeVar("Chunk")
REPO = Path(__file__).resolve().parents[2]


async def start_worker(kind: str, kafka: KafkaAccess, *args: str) -> asyncio.subprocess.Process:
    """`python -m tests.support.workers KIND ARGS` from the repository root, reaching Kafka
    as `kafka` (handed over in the settings' environment variables)."""
    env = {**os.environ, **kafka_env(kafka), "PYTHONPATH": str(REPO)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.workers", kind, *args,
        cwd=REPO, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def kill(process: asyncio.subprocess.Process) -> None:
    """SIGKILL: no shutdown code runs, as in a power cut."""
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()


async def feed(
    chunks: Sequence[Chunk], send: Callable[[Chunk], Awaitable[None]], pause: float
) -> None:
    """Hand chunks to `send` one by one with a pause, so events keep flowing during a test."""
    for chunk in chunks:
        await send(chunk)
        await asyncio.sleep(pause)


def python_env() -> dict[str, str]:
    """This environment, with the repository root on PYTHONPATH (tests.support.*)."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


def ended(pid: int) -> bool:
    """True once `pid` has exited (a zombie counts: only its parent can reap it)."""
    if not pid_alive(pid):
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True
