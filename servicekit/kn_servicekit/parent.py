"""A child process that ends (SIGTERM) when the process that started it dies.

Linux's PR_SET_PDEATHSIG: set in the child, it is told when its parent thread exits,
however that ends (a SIGKILL included). A service started for a test or a demo
(kn_deploy.with_parent) and a rebuild's worker (kn_servicekit.rebuild_workers) use it, so
neither runs on alone after its starter is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_ENV = "KN_PARENT_PID"
"""Set by a starter in its child's environment: the child ends with that process."""


def end_with_parent(parent: int, what: str) -> None:
    """From now on, SIGTERM when `parent` (this process's parent) dies; exit at once if it
    already has. `what` names this process in that exit's message."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # it died before the line above: nobody would tell us
        sys.exit(f"{what}: the process that started it ({parent}) is gone")


def end_with_starter(what: str) -> None:
    """`end_with_parent` for the starter named by PARENT_ENV, if it named one."""
    parent = os.environ.get(PARENT_ENV)
    if parent:
        end_with_parent(int(parent), what)


def child_environment() -> dict[str, str]:
    """This process's environment for a child that is to end with it."""
    return {**os.environ, PARENT_ENV: str(os.getpid())}
