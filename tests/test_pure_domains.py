"""A domain stays pure: it imports contracts and the kit's dependency-free modules only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KIT = REPO / "servicekit" / "kn_servicekit"
# the kit's modules a pure domain may import: a Cause, the error roots, the access check
PURE_KIT = {"kn_servicekit.cause", "kn_servicekit.errors", "kn_servicekit.access"}
DOMAINS = sorted(REPO.glob("services/*/kn_*/domain"))
RULES = REPO / "rules" / "kn_rules"


def imported_modules(path: Path) -> set[str]:
    """Every absolute module an import statement in the file names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def foreign(modules: set[str], allowed_packages: set[str]) -> list[str]:
    """The modules that are neither the standard library nor of the allowed packages."""
    return sorted(
        m
        for m in modules
        if m.split(".")[0] not in sys.stdlib_module_names | allowed_packages | {"__future__"}
    )


@pytest.mark.parametrize("module", sorted(PURE_KIT))
def test_the_kit_modules_a_domain_may_import_need_only_the_standard_library(module: str) -> None:
    modules = imported_modules(KIT / f"{module.split('.')[1]}.py")
    assert foreign(modules - PURE_KIT, set()) == []


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.parent.name)
def test_a_domain_imports_contracts_and_the_kits_pure_modules_only(domain: Path) -> None:
    own = domain.parent.name
    modules = {m for path in domain.glob("*.py") for m in imported_modules(path)}
    kit = {m for m in modules if m.split(".")[0] == "kn_servicekit"}
    assert sorted(kit - PURE_KIT) == []
    assert foreign(modules - kit, {"kn_contracts", "kn_rules", own}) == []


def test_the_shared_rules_import_contracts_and_the_kits_pure_modules_only() -> None:
    modules = {m for path in RULES.glob("*.py") for m in imported_modules(path)}
    kit = {m for m in modules if m.split(".")[0] == "kn_servicekit"}
    # loading a scheme file reads the package's own data: importlib.resources, json
    assert sorted(kit - PURE_KIT) == []
    assert foreign(modules - kit, {"kn_contracts", "kn_rules"}) == []
