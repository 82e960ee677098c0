"""The canonical form of figures and its digest (DOMAIN "Annual status", audit: sorted keys,
integer øre, ISO dates), identical across runs and machines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any


def plain(value: Any) -> Any:
    """Figures as JSON values: dataclasses as objects, tuples as lists, dates as ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("canonical figures hold no floats: give counts, øre or ratios as ints")
    return value


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes of a value."""
    text = json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON, hex."""
    return hashlib.sha256(canonical(value)).hexdigest()
