"""Every reason an invoice can be given has its Danish text for the pages and the annual
status; a new check without one would show finance's English in a Danish document."""

from __future__ import annotations

import ast
from pathlib import Path

import kn_rules
from kn_contracts.danish import INVOICE_REASON, rule_text

RULES = Path(kn_rules.__file__).parent
SHOWN_AS_EKMS_OWN_WORDS = {"ekm_rejected"}  # EKM's typed reason is the text


def _codes(source: Path) -> set[str]:
    """The first argument of every `.reject(...)`/`.wait(...)` and every `code=` given."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"reject", "wait"} and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
        for keyword in node.keywords:
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                found.add(str(keyword.value.value))
    return found


def test_every_invoice_reason_the_rules_give_has_a_danish_text() -> None:
    given = _codes(RULES / "checks.py") | _codes(RULES / "decide.py")
    assert {"due_too_soon", "possible_duplicate", "meeting_ambiguous"} <= given  # it reads them
    assert given - set(INVOICE_REASON) - SHOWN_AS_EKMS_OWN_WORDS == set()


def test_a_pool_rule_is_named_as_a_danish_document_names_it() -> None:
    assert rule_text("Pool payouts 7") == "Aktivitetspuljen, regel 7"
    assert rule_text("Coordinator 8") == "Coordinator 8"
