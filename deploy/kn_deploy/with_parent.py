"""Run a module as __main__, ended (SIGTERM) when the process that started it dies.

    python -m kn_deploy.with_parent <parent pid> <module>

`start_service` starts a service this way unless it is meant to outlive its starter
(`kn demo --keep-running`): a test run killed by its timeout, or a demo stopped with
SIGKILL, leaves no service behind holding its port and polling Kafka.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def main(argv: list[str]) -> None:
    parent, module = int(argv[0]), argv[1]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # it died before the line above: nobody would tell us
        sys.exit(f"{module}: the process that started it ({parent}) is gone")
    sys.argv = [module]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
