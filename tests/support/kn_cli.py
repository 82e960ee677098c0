"""The `kn` command as a newcomer runs it: a subprocess finding the runtime's packages in a
checkout, with none of this process's `KN_` settings unless given."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import asyncpg

PACKAGES = ("deploy", "contracts", "servicekit", "rules")


def kn(checkout: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`kn ARGS` from `checkout`'s packages, with exactly `env`."""
    path = os.pathsep.join(str(checkout / package) for package in PACKAGES)
    return subprocess.run(
        [sys.executable, "-m", "kn_deploy.cli", *args],
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any `KN_` setting, and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KN_")}
    return {**env, **extra}


async def create_schemas(url: str, schemas: Iterable[str]) -> None:
    """Create each schema in the database at `url`."""
    admin = await asyncpg.connect(url)
    try:
        for schema in schemas:
            await admin.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await admin.close()
