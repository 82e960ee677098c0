"""libical's iTIP check as a test tool: a tiny C program against Debian's libical-dev,
installed when missing (as root; otherwise the error says what to run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kn_deploy.debian import apt_install

SOURCE = Path(__file__).with_name("itip_check.c")


def _flags() -> list[str] | None:
    found = subprocess.run(["pkg-config", "--cflags", "--libs", "libical"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    return found.stdout.split() if found.returncode == 0 else None


def build(folder: Path) -> Path:
    """The checker, compiled into `folder`."""
    if shutil.which("pkg-config") is None:
        apt_install("pkg-config")
    flags = _flags()
    if flags is None:
        apt_install("libical-dev")
        flags = _flags()
    assert flags is not None, "libical-dev is installed but pkg-config does not find libical"
    checker = folder / "itip-check"
    subprocess.run(["gcc", str(SOURCE), "-o", str(checker), *flags], check=True)
    return checker


def itip_errors(checker: Path, calendar: bytes, folder: Path) -> list[str]:
    """What libical's icalrestriction_check finds wrong with the calendar (none: passes)."""
    path = folder / "calendar.ics"
    path.write_bytes(calendar)
    result = subprocess.run([str(checker), str(path)], capture_output=True, text=True,
                            check=False)  # fmt: skip
    lines = result.stdout.strip().splitlines() or [result.stderr]
    assert lines[-1].startswith("restriction_check="), result.stdout + result.stderr
    errors = lines[:-1]
    return errors if result.returncode == 0 else errors or [lines[-1]]
