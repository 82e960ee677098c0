"""Which first-party packages may import which: the rule the boundary test enforces."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("membership", "meetings", "finance", "reporting")
SERVICE_PACKAGES = {f"kn_{name}" for name in SERVICES}

# package -> the first-party packages it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "kn_contracts": set(),
    "kn_servicekit": {"kn_contracts"},
    "kn_rules": {"kn_contracts", "kn_servicekit"},
    "kn_deploy": {"kn_contracts", "kn_servicekit", "kn_rules"},
    **{package: {"kn_contracts", "kn_servicekit", "kn_rules"} for package in SERVICE_PACKAGES},
    "kn_web": {"kn_contracts"},  # the web app asks the services over HTTP, never imports one
}
FIRST_PARTY = set(ALLOWED)

PACKAGE_DIRS = {
    "kn_contracts": REPO / "contracts" / "kn_contracts",
    "kn_servicekit": REPO / "servicekit" / "kn_servicekit",
    "kn_rules": REPO / "rules" / "kn_rules",
    "kn_deploy": REPO / "deploy" / "kn_deploy",
    **{f"kn_{name}": REPO / "services" / name / f"kn_{name}" for name in SERVICES},
    "kn_web": REPO / "web" / "kn_web",
}


def imported_packages(source: str) -> Iterator[tuple[int, str]]:
    """(line, top-level package) for every import statement in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]


def violations(package: str, source: str, where: str) -> list[str]:
    """Imports in `source` (a file of `package`) that cross a forbidden boundary."""
    allowed = ALLOWED[package] | {package}
    return [
        f"{where}:{line} imports {imported}"
        for line, imported in imported_packages(source)
        if imported in FIRST_PARTY and imported not in allowed
    ]
