"""No CPR number in clear, anywhere (DOMAIN Coordinator 8; GDPR): one guard for every edge.

A value looks like a CPR number when it holds ten digits DDMMYY and four more, the date a
real day (in 19xx or 20xx). Between the groups one separator is allowed: a dash (also the
typographic ones: ‐ ‑ ‒ – — ― −, a soft or full-width hyphen), a dot, or a space (also a
no-break, thin, figure or zero-width space, as text pasted from Word, a PDF or a page has).
It is not glued to other letters or digits (so a UUID, a six-digit ydernummer, an
eight-digit CVR or phone number, an invoice number such as INV250312-0042, or money never
do), except to the label itself: `cpr0101901234`, `CPRnr0101901234`, `cpr-nr0101901234`,
`personnummer0101901234`.

The shape applies on every read too (events decoded from Kafka and from a service's own
store), so a wider one could refuse events a log already holds, admitted by the shape of
their day: widen it only after scanning the logs. The shape of 2026-12-04 (the typographic
dashes and spaces, the label) came before any production log.

Every event refuses one in any string it holds, nested or not (kn_contracts.base.Event), so
a new field cannot forget it; HTTP bodies and headers and inbound messages are checked by
the kit with the same functions.
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


# Only a day 01-31 and a month 01-12 make the shape (whether that day exists is
# _real_day's): the ten digits of an account then rarely match, where each match cost a
# call into Python (an invoice's quick look: 6.0 -> 5.2 µs)
# hyphens, en and em dash, minus, soft hyphen, full-width and small hyphen-minus
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\uff0d\ufe63"
# no-break, thin, narrow no-break, figure and zero-width space (pasted from Word, a PDF, a page)
_SPACES = "\u00a0\u2009\u202f\u2007\u200b"
_SEP = f"[-. {_DASHES}{_SPACES}]?"
# glued before the number, in any case
_LABELS = ("cpr", "cprnr", "cpr-nr", "cpr.nr", "cpr nr", "cprnummer", "cpr-nummer", "personnr",
           "personnummer")  # fmt: skip


def _either_case(label: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in label)


_BEFORE = "|".join([r"(?<![0-9A-Za-z])", *(f"(?<={_either_case(x)})" for x in _LABELS)])
_LONGEST_LABEL = max(map(len, _LABELS))
_SHAPE = re.compile(
    rf"(?:{_BEFORE})(0[1-9]|[12]\d|3[01]){_SEP}(0[1-9]|1[0-2]){_SEP}(\d{{2}}){_SEP}\d{{4}}"
    r"(?![0-9A-Za-z])",
    re.ASCII,  # the quick look (`suspicious`) counts ASCII digits; so does the shape
)
# a quick look before the full one: ten digits, separators allowed (a ydernummer has six)
_DIGITS = re.compile(rf"\d\d{_SEP}\d\d{_SEP}\d\d{_SEP}\d{{4}}", re.ASCII)


def _real_day(found: re.Match[str]) -> bool:
    day, month, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
    if day <= 28:  # the shape holds only days 01-31 of months 01-12
        return True
    for century in (1900, 2000):  # 29 February, or the 31st of a short month
        try:
            dt.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


# every byte a separator may hold: the ASCII ones and each byte of the dashes' and spaces'
# UTF-8 (those bytes are in other characters too: such a run is looked at, never missed)
_SEPARATORS = bytes(sorted(set(b"-. " + (_DASHES + _SPACES).encode())))
_TEN = b"0" * 10
# an ASCII digit or a separator becomes "0", any other byte "x": where ten digits may run
# together is then a substring search
_RUN_MAP = bytes(
    ord("0") if b in _SEPARATORS or chr(b) in "0123456789" else ord("x") for b in range(256)
)
# an ASCII digit becomes "0", any other byte "x"; with the separators deleted in the same
# pass, ten digits in a run of digits and separators become ten "0"s in a row
_DIGIT_MAP = bytes(ord("0") if chr(b) in "0123456789" else ord("x") for b in range(256))


def suspicious(raw: bytes | str) -> bool:
    """Whether a raw JSON text may hold a CPR-shaped string, so a message or request that
    passes it needs no walk of its fields.

    Without a backslash, every string of the JSON is its raw characters between quotes, and
    a quote bounds a number as a string's end does: the shape found in the raw text is then
    exactly the shape some string holds, or a JSON number (the walk clears those). A
    backslash may hide a digit (\\u0030) or turn a letter into a boundary (\\n before the
    digits), so then the walk decides. The shape is looked for only where ten digits run
    together, separators allowed (bytes.translate and find: C speed; a regex over the whole
    text costs ten times more); most bodies have no such run at all, which one translate
    that deletes the separators tells (a date's run of eight digits then needs no loop)."""
    return look(raw)[0]


def look(raw: bytes | str, dense: bool = False) -> tuple[bool, bool]:
    """(suspicious, dense): `suspicious`'s answer, and whether the text holds a run of ten
    digits at all (separators allowed; such a run is where the shape is looked for).

    `dense` is the caller's guess that it does, from the last body of its kind: a sealed
    field's key id is hex, and 32 of them almost always hold such a run. Then the first
    look, which only tells whether there is one, is skipped: the answer is the same either
    way (tests/contracts/test_cpr.py), only its cost differs (a sealed 16-line list 36 ->
    19 µs; a body without such a run, guessed wrong, about 1 µs more)."""
    data = raw.encode() if isinstance(raw, str) else raw
    if b"\\" in data or b"\x00" in data:
        # an escape may hide a digit; a NUL is no UTF-8 JSON (UTF-16 or -32, which a
        # parser may still read): the walk decides; the guess stays as it was
        return True, dense
    if not dense and data.translate(_DIGIT_MAP, _SEPARATORS).find(_TEN) < 0:
        return False, False  # no run of ten digits, separators allowed: most bodies
    runs = data.translate(_RUN_MAP)  # a digit or separator is "0", anything else "x"
    start = runs.find(_TEN)
    found = False
    while start >= 0:  # the shape only where ten digits run together
        end = runs.find(b"x", start)
        end = len(runs) if end < 0 else end
        digits = len(data[start:end].translate(None, _SEPARATORS))
        # the run with the characters either side, which decide the shape's boundaries
        # (before it, as many as the longest label has)
        if digits >= 10:
            found = True
            window = data[max(start - _LONGEST_LABEL, 0) : end + 1]
            if looks_like_cpr(window.decode(errors="replace")):
                return True, True
        start = runs.find(_TEN, end)
    return False, found


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
