"""A scheme from its file (rules/kn_rules/schemes/<name>.json, or a path)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from kn_rules.scheme import Scheme
from kn_servicekit.errors import ConfigurationError


def load_scheme(name_or_path: str | Path) -> Scheme:
    """The scheme shipped under that name, or read from a file path."""
    path = Path(name_or_path)
    if path.suffix == ".json":
        if not path.is_file():
            raise ConfigurationError(f"scheme file {path} does not exist")
        text = path.read_text("utf-8")
    else:
        shipped = resources.files("kn_rules.schemes").joinpath(f"{name_or_path}.json")
        if not shipped.is_file():
            raise ConfigurationError(
                f"no scheme {name_or_path!r}: name a file in kn_rules/schemes or a .json path"
            )
        text = shipped.read_text("utf-8")
    data = json.loads(text)
    try:
        return Scheme(
            scheme=data["scheme"],
            name=data["name"],
            base_year=int(data["base_year"]),
            due_days=int(data["due_days"]),
            pool_cost_kinds=frozenset(data["pool_cost_kinds"]),
            capped_cost_kinds=frozenset(data["capped_cost_kinds"]),
            payee_kinds=frozenset(data["payee_kinds"]),
            counted_categories=tuple(data["counted_categories"]),
            basis=data["basis"],
            fee_payable_from=tuple(data["fee_payable_from"]),
            fee_payable_until=tuple(data["fee_payable_until"]),
            fee_close_month=int(data["fee_close_month"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"scheme file for {name_or_path} is malformed: {exc!r}") from exc
