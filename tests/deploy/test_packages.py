"""Debian's packages for the suite and the demo: found by the machine's own Python, before
the virtual environment exists, and installed in one apt-get run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kn_deploy import packages

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_packages_step_needs_only_the_standard_library() -> None:
    # -S: no site-packages at all, as on a machine whose virtual environment pip is filling
    probe = (
        "import sys; sys.path.insert(0, 'deploy'); import kn_deploy.packages as p; "
        "print(p.missing())"
    )
    found = subprocess.run(
        [sys.executable, "-S", "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"  # `make` installed them before the suite started


def test_every_missing_package_is_installed_in_one_apt_get_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[str] = []
    monkeypatch.setattr(
        packages, "NEEDED", tuple((name, lambda: False) for name, _ in packages.NEEDED)
    )
    monkeypatch.setattr(packages, "apt_install", runs.append)
    packages.install_missing()
    assert runs == ["kcat fonts-dejavu-core pkg-config libical-dev chromium"]


def test_nothing_is_installed_when_nothing_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    monkeypatch.setattr(
        packages, "NEEDED", tuple((name, lambda: True) for name, _ in packages.NEEDED)
    )
    monkeypatch.setattr(packages, "apt_install", runs.append)
    packages.install_missing()
    assert runs == []


def test_someone_not_root_is_told_the_one_apt_get_line_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        packages, "NEEDED", tuple((name, lambda: False) for name, _ in packages.NEEDED)
    )
    monkeypatch.setattr("kn_deploy.debian.os.geteuid", lambda: 1000)
    with pytest.raises(SystemExit) as stopped:
        packages.main()
    assert str(stopped.value) == (
        "kn: kcat fonts-dejavu-core pkg-config libical-dev chromium is not installed; as root "
        "run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "kcat fonts-dejavu-core pkg-config libical-dev chromium"
    )
