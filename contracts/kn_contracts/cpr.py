"""No CPR number in clear, anywhere (DOMAIN Coordinator 8; GDPR): one guard for every edge.

A value looks like a CPR number when it holds ten digits DDMMYY and four more, a dash,
space or dot allowed between the groups, the date a real day (in 19xx or 20xx), not glued
to other letters or digits (so a UUID, a six-digit ydernummer, an eight-digit CVR or phone
number, or money never do). Every event refuses one in any string it holds, nested or not
(kn_contracts.base.Event), so a new field cannot forget it; HTTP bodies and headers and
inbound messages are checked by the kit with the same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

CPR_REFUSED = "this looks like a CPR number; CPR numbers are never entered here"
RULE = "Coordinator 8: a CPR number is never held or sent"


RAW_CHECKED = "kn_cpr_raw_checked"  # validation context: the raw JSON was looked at


class CprNumberRefused(Exception):
    """A value holds a CPR-shaped number; `where` names the field (HTTP 422). Not a
    ValueError, so pydantic lets it through a validator unchanged."""

    rule = RULE

    def __init__(self, where: str) -> None:
        super().__init__(f"{where}: {CPR_REFUSED}")
        self.where = where


_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(\d{2})[-. ]?(\d{2})[-. ]?(\d{2})[-. ]?\d{4}(?![0-9A-Za-z])",
    re.ASCII,  # the quick look (`suspicious`) counts ASCII digits; so does the shape
)
# a quick look before the full one: ten digits, separators allowed (a ydernummer has six)
_DIGITS = re.compile(r"\d\d[-. ]?\d\d[-. ]?\d\d[-. ]?\d{4}", re.ASCII)


def _real_day(found: re.Match[str]) -> bool:
    day, month, year = (int(found.group(i)) for i in (1, 2, 3))
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


# every digit becomes 0 and every other byte x, the separators go: ten digits are then a
# substring search (C speed; a regex retrying at each digit costs ten times more)
_DIGIT_MAP = bytes(ord("0") if chr(b).isdigit() and b < 128 else ord("x") for b in range(256))
_SEPARATORS = b"-. "
_TEN = b"0" * 10


def suspicious(raw: bytes | str) -> bool:
    """Whether a raw JSON text may hold a CPR-shaped string, so a message or request that
    passes it needs no walk of its fields.

    Without a backslash, every string of the JSON is its raw characters between quotes, and
    a quote bounds a number as a string's end does: the shape found in the raw text is then
    exactly the shape some string holds, or a JSON number (the walk clears those). A
    backslash may hide a digit (\\u0030) or turn a letter into a boundary (\\n before the
    digits), so then the walk decides. First the quick look: ten digits once the separators
    are taken out (an invoice's 14-digit account number passes it; the shape, needing a
    boundary on each side, does not)."""
    data = raw.encode() if isinstance(raw, str) else raw
    if b"\\" in data:
        return True
    if _TEN not in data.translate(_DIGIT_MAP, _SEPARATORS):
        return False
    return looks_like_cpr(data.decode("utf-8", "replace"))


def looks_like_cpr(text: str) -> bool:
    """Whether the text holds a CPR-shaped number (see the module's note)."""
    if not _DIGITS.search(text):
        return False
    return any(_real_day(found) for found in _SHAPE.finditer(text))


def cpr_in(value: Any, path: str = "") -> str | None:
    """The path (e.g. `attendees.3.name`) of the first string in a value that looks like a
    CPR number, looking into models, mappings and sequences; None when there is none."""
    if isinstance(value, str):
        return (path or "value") if looks_like_cpr(value) else None
    if isinstance(value, BaseModel):
        items: Any = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, Mapping):
        items = ((str(k), v) for k, v in value.items())
        for key in value:  # a key is text too
            if isinstance(key, str) and looks_like_cpr(key):
                return f"{path}.{key}" if path else key
    elif isinstance(value, list | tuple):
        items = ((str(n), v) for n, v in enumerate(value))
    else:
        return None
    for name, inner in items:
        found = cpr_in(inner, f"{path}.{name}" if path else name)
        if found is not None:
            return found
    return None


def mask(text: str, key: bytes) -> str:
    """The text with each CPR-shaped number replaced by `[cpr:<keyed hash>]`: unreadable,
    yet two copies of one number get the same mark, so two letters can be matched."""

    def marked(found: re.Match[str]) -> str:
        if not _real_day(found):
            return found.group(0)
        digits = re.sub(r"\D", "", found.group(0))
        tag = hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:12]
        return f"[cpr:{tag}]"

    return _SHAPE.sub(marked, text)
