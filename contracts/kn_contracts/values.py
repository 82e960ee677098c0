"""Value types that appear in several events."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$"),
]
"""An id chosen by a person or system: lower-case letters, digits, '.', '_' or '-'."""

Ydernummer = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
"""A provider number under the public agreement: six digits (leading zeros kept)."""

PersonName = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
