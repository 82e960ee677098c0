"""Debian packages the local runtime needs (the machine's own package manager)."""

from __future__ import annotations

import os

from kn_deploy.process import run_checked


def apt_install(package: str) -> None:
    """Install a Debian package (as root), or say exactly what to run."""
    command = f"apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {package}"
    if os.geteuid() != 0:
        raise RuntimeError(f"{package} is not installed; as root run: {command}")
    run_checked(
        ["bash", "-c", command],
        what=f"installing Debian's {package}",
        hint=f"run `{command}` by hand and read apt's message (is the network to Debian's "
        "mirror reachable, is another apt-get holding the lock?)",
    )
