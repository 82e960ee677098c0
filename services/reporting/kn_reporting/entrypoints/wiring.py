"""What routes need at run time: the adapters the composition root chose, and who may call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam

from kn_reporting.handlers import Reports
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.http import Resources
from kn_servicekit.pgstore import PostgresEventStore

EXTRA = "reporting"

Reader = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]
Auditing = Annotated[Actor, Depends(require("ekm", "auditor"))]
Filer = Annotated[Actor, Depends(require("ekm", "coordinator"))]
NetworkId = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
Year = Annotated[int, PathParam(ge=2000, le=2100, description="The calendar year reported.")]


@dataclass(frozen=True)
class Services:
    """The reporting service's adapters, chosen by the composition root."""

    reports: Reports
    store: PostgresEventStore
    font: Path
    clock: Callable[[], dt.datetime]

    def today(self) -> dt.date:
        return copenhagen_date(self.clock())


def services(request: Request) -> Services:
    resources: Resources = request.app.state.resources
    found: Services = resources.extras[EXTRA]
    return found


Wired = Annotated[Services, Depends(services)]
