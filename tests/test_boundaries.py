"""Services share only contracts and the service kit; the shared packages import no service."""

from __future__ import annotations

import pytest

from tests.boundaries import PACKAGE_DIRS, REPO, violations


@pytest.mark.parametrize("package", sorted(PACKAGE_DIRS))
def test_no_package_imports_across_a_forbidden_boundary(package: str) -> None:
    directory = PACKAGE_DIRS[package]
    files = sorted(directory.rglob("*.py"))
    assert files, f"{directory} has no Python files"
    found = [
        hit
        for path in files
        for hit in violations(package, path.read_text(), str(path.relative_to(REPO)))
    ]
    assert found == []


def test_a_service_importing_another_service_is_caught() -> None:
    source = "from kn_membership.domain import model\n"
    assert violations("kn_meetings", source, "x.py") == ["x.py:1 imports kn_membership"]


def test_contracts_importing_a_service_or_the_kit_is_caught() -> None:
    source = "import kn_finance.api\nimport kn_servicekit\n"
    assert violations("kn_contracts", source, "y.py") == [
        "y.py:1 imports kn_finance",
        "y.py:2 imports kn_servicekit",
    ]


def test_the_service_kit_importing_a_service_is_caught() -> None:
    assert violations("kn_servicekit", "from kn_reporting import x\n", "z.py") == [
        "z.py:1 imports kn_reporting"
    ]


def test_a_service_may_import_contracts_and_the_kit() -> None:
    source = "from kn_contracts.topics import TOPICS\nfrom kn_servicekit.http import x\n"
    assert violations("kn_membership", source, "ok.py") == []
