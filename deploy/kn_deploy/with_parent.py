"""Run a module as __main__, ended (SIGTERM) when the process that started it dies.

    python -m kn_deploy.with_parent <parent pid> <module>

`start_service` starts a service this way unless it is meant to outlive its starter
(`kn demo --keep-running`): a test run killed by its timeout, or a demo stopped with
SIGKILL, leaves no service behind holding its port and polling Kafka.
"""

from __future__ import annotations

import runpy
import sys

from kn_servicekit.parent import end_with_parent


def main(argv: list[str]) -> None:
    parent, module = int(argv[0]), argv[1]
    end_with_parent(parent, module)
    sys.argv = [module]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
