"""Where the local runtime keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """The git-ignored cache holding jars, data directories and logs."""
    return Path(os.environ.get("KN_CACHE_DIR", REPO_ROOT / ".cache")).resolve()


def demo_dir() -> Path:
    """Where the demo keeps its logs, the pids of services left running, and their tokens."""
    return cache_dir() / "demo"
