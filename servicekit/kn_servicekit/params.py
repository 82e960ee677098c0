"""Parameter types every service's routes share, bounded so no value can break a handler
(a year 9999 would make a date of year 10000)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

YEAR_RANGE = {"ge": 2000, "le": 2100}
YearInPath = Annotated[int, Path(description="A calendar year, 2000-2100.", **YEAR_RANGE)]
YearInQuery = Annotated[int, Query(description="A calendar year, 2000-2100.", **YEAR_RANGE)]
