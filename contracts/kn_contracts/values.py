"""Value types that appear in several events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$"),
]
"""An id chosen by a person or system: lower-case letters, digits, '.', '_' or '-'."""

Ydernummer = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
"""A provider number under the public agreement: six digits (leading zeros kept)."""


def _not_sealed(name: str) -> str:
    if name.startswith("sealed:"):  # the form of a sealed value (kn_contracts.sealed)
        raise ValueError("a name does not start with 'sealed:'")
    return name


PersonName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    AfterValidator(_not_sealed),
]


def _local(moment: dt.time) -> dt.time:
    if moment.tzinfo is not None:
        raise ValueError(
            "give the local time in Copenhagen without an offset, e.g. 17:00 (not 17:00Z)"
        )
    return moment


LocalTime = Annotated[dt.time, AfterValidator(_local)]
"""A time of day in Europe/Copenhagen, without an offset (the date says which offset)."""
