"""What routes need at run time: the adapters the composition root chose, and who may call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kn_meetings.adapters.annual_status import PostgresAnnualStatuses
from kn_meetings.adapters.directory import PostgresMembershipDirectory
from kn_meetings.adapters.ics import Addresses
from kn_meetings.adapters.sheet import Font
from kn_meetings.domain.scheme import Scheme
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.http import Resources
from kn_servicekit.pgstore import PostgresEventStore

EXTRA = "meetings"

Planner = Annotated[Actor, Depends(require("ekm", "coordinator"))]
Reader = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]


@dataclass(frozen=True)
class Services:
    """The meetings service's adapters, chosen by the composition root."""

    store: PostgresEventStore
    directory: PostgresMembershipDirectory
    scheme: Scheme
    clock: Callable[[], dt.datetime]
    addresses: Addresses  # how an invitation writes a person's calendar address
    font: Font  # the Unicode font the attendance sheet embeds
    statuses: PostgresAnnualStatuses  # which annual statuses were submitted (Meetings 7)

    def today(self) -> dt.date:
        return copenhagen_date(self.clock())


def services(request: Request) -> Services:
    resources: Resources = request.app.state.resources
    found: Services = resources.extras[EXTRA]
    return found


Wired = Annotated[Services, Depends(services)]
