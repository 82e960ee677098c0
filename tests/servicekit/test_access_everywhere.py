"""Every route of every service is guarded by the kit's one access dependency
(kn_servicekit.auth.require), so a person is admitted only as their network's coordinator
today, from the service's own view of the coordinator history (issue 16 item 4)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from kn_finance.bootstrap import create_app as finance
from kn_finance.settings import FinanceSettings
from kn_meetings.bootstrap import create_app as meetings
from kn_meetings.settings import MeetingsSettings
from kn_membership.bootstrap import create_app as membership
from kn_membership.settings import MembershipSettings
from kn_reporting.bootstrap import create_app as reporting
from kn_reporting.settings import ReportingSettings
from kn_servicekit import coordinators

OPEN = {"/health", "/ready", "/metrics", "/docs", "/whoami"}  # operations; /whoami says who


def routes(items: list[BaseRoute]) -> Iterator[APIRoute]:
    for route in items:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router (FastAPI 0.165)
            yield from routes(route.original_router.routes)


def guarded(dependant: Dependant) -> bool:
    return any(hasattr(d.call, "kn_access") or guarded(d) for d in dependant.dependencies)


APPS = {
    "membership": lambda: membership(MembershipSettings()),
    "meetings": lambda: meetings(MeetingsSettings()),
    "finance": lambda: finance(FinanceSettings()),
    "reporting": lambda: reporting(ReportingSettings()),
}


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_uses_the_one_access_dependency_and_the_services_own_view(
    service: str,
) -> None:
    app: FastAPI = APPS[service]()
    found = [r for r in routes(app.routes) if r.path not in OPEN]
    assert len(found) >= 8
    unguarded = [f"{sorted(r.methods or ())} {r.path}" for r in found if not guarded(r.dependant)]
    assert unguarded == []
    assert callable(getattr(app.state, coordinators.VIEW))  # its own view, as the port
