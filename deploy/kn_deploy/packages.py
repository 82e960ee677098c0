"""The Debian packages the suite and the demo need besides Kafka and PostgreSQL, installed
in one apt-get run. Only the standard library: `make` runs this with the machine's own
Python while pip fills the virtual environment, so the two downloads overlap."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kn_deploy.debian import apt_install

SHEET_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # KN_MEETINGS_SHEET_FONT's default


def _has_libical() -> bool:
    if shutil.which("pkg-config") is None:
        return False
    found = subprocess.run(["pkg-config", "--exists", "libical"], check=False)
    return found.returncode == 0


# Each package with the check that says it is already there.
NEEDED: tuple[tuple[str, Callable[[], bool]], ...] = (
    ("kcat", lambda: shutil.which("kcat") is not None),  # region integrators and tests use it
    ("fonts-dejavu-core", lambda: Path(SHEET_FONT).is_file()),  # the attendance sheet's font
    ("pkg-config libical-dev", _has_libical),  # tests check invitations by libical's iTIP rules
    ("chromium", lambda: shutil.which("chromium") is not None),  # the web app's browser tests
)


def missing() -> list[str]:
    """The packages of NEEDED this machine lacks."""
    return [package for package, present in NEEDED if not present()]


def install_missing() -> None:
    """Install what is missing in one apt-get run (one `apt-get update`), or nothing."""
    lacking = missing()
    if lacking:
        apt_install(" ".join(lacking))


def main() -> None:
    """`make packages`: install what is missing, or say what to run and stop."""
    try:
        install_missing()
    except RuntimeError as refused:  # not root, or apt-get failed: say what to run
        sys.exit(f"kn: {refused}")


if __name__ == "__main__":
    main()
