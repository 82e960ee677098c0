"""Debian packages the local runtime needs (the machine's own package manager)."""

from __future__ import annotations

import os
import subprocess


def apt_install(package: str) -> None:
    """Install a Debian package (as root), or say exactly what to run."""
    command = f"apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {package}"
    if os.geteuid() != 0:
        raise RuntimeError(f"{package} is not installed; as root run: {command}")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)
