"""What routes need at run time: the adapters the composition root chose, and who may call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from kn_contracts.catalog import Catalog
from kn_finance.adapters.inputs import NAME as INPUTS
from kn_finance.adapters.reading import InputsReader, live_reader
from kn_finance.handlers.settle import Folds
from kn_rules.scheme import Scheme
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.http import Resources
from kn_servicekit.pgstore import PostgresEventStore

EXTRA = "finance"

Ekm = Annotated[Actor, Depends(require("ekm"))]
Writer = Annotated[Actor, Depends(require("ekm", "coordinator"))]
Reader = Annotated[Actor, Depends(require("ekm", "coordinator", "auditor"))]
Auditing = Annotated[Actor, Depends(require("ekm", "auditor"))]


@dataclass(frozen=True)
class Services:
    """The finance service's adapters, chosen by the composition root."""

    store: PostgresEventStore
    catalog: Catalog
    scheme: Scheme
    font: str
    clock: Callable[[], dt.datetime]
    folds: Folds = field(default_factory=Folds)  # pool accounts, for the duplicate check

    def today(self) -> dt.date:
        return copenhagen_date(self.clock())

    async def inputs(self, request: Request) -> InputsReader:
        """Finance's tables of others' facts, in the schema readers use now."""
        resources: Resources = request.app.state.resources
        return await live_reader(resources.pool, self.catalog, INPUTS)


def services(request: Request) -> Services:
    resources: Resources = request.app.state.resources
    found: Services = resources.extras[EXTRA]
    return found


Wired = Annotated[Services, Depends(services)]
