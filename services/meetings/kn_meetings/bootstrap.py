"""Composition root of the meetings service: chooses the concrete adapters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.events.membership import MEMBERSHIP_EVENT_TYPES
from kn_contracts.topics import (
    MEETINGS_EVENTS,
    MEETINGS_KEYS,
    MEMBERSHIP_EVENTS,
    MEMBERSHIP_KEYS,
    REPORTING_EVENTS,
    catalog,
)
from kn_meetings import SERVICE
from kn_meetings.adapters.annual_status import AnnualStatusView, PostgresAnnualStatuses
from kn_meetings.adapters.directory import PostgresMembershipDirectory, prepare_view
from kn_meetings.adapters.ics import Addresses
from kn_meetings.adapters.membership_view import MembershipView
from kn_meetings.adapters.revisions import AttendanceRevisions
from kn_meetings.adapters.scheme import scheme_from
from kn_meetings.adapters.sheet import Font, SheetFontMissing
from kn_meetings.domain.errors import Conflict, Forbidden, Invalid, NotFound
from kn_meetings.entrypoints.api import router
from kn_meetings.entrypoints.wiring import EXTRA, Services
from kn_meetings.settings import MeetingsSettings
from kn_servicekit import coordinator_tables, hosting, personal
from kn_servicekit.http import Resources, create_http_app
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Projection
from kn_servicekit.sealing import KeyRing
from kn_servicekit.subject_keys import SubjectKeys

ERRORS: dict[type[Exception], int] = {
    NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, SheetFontMissing: 503,
}  # fmt: skip


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def membership_view(settings: MeetingsSettings) -> tuple[MembershipView, Catalog]:
    """Meetings' view of membership, read from membership's topic."""
    return MembershipView(settings.topic(MEMBERSHIP_EVENTS)), catalog()


def annual_status_view(settings: MeetingsSettings) -> tuple[AnnualStatusView, Catalog]:
    """Which annual statuses were submitted, read from reporting's topic."""
    return AnnualStatusView(settings.topic(REPORTING_EVENTS)), catalog()


READ_MODELS: dict[str, Callable[[MeetingsSettings], tuple[Projection, Catalog]]] = {
    MembershipView.name: membership_view,
    AnnualStatusView.name: annual_status_view,
}
"""What `kn-meetings rebuild` can rebuild."""


def _coordinator_act(kind: str, body: str) -> Event:
    """A row of the membership view's coordinator_acts (kept by event name)."""
    return _MEMBERSHIP_TYPES[kind].model_validate_json(body)


_MEMBERSHIP_TYPES = {t.event_name(): t for t in MEMBERSHIP_EVENT_TYPES}


def create_app(settings: MeetingsSettings, clock: Callable[[], dt.datetime] = _now) -> FastAPI:
    """The meetings service's HTTP app with its Kafka side attached."""
    view, events = membership_view(settings)
    statuses, _ = annual_status_view(settings)
    scheme = scheme_from(settings)
    # meetings seals its lines under its own keys (a member's, a person written in) and
    # opens membership's names with the copies it keeps of membership's keys (issue 15)
    keys = SubjectKeys(KeyRing())
    revisions = AttendanceRevisions(  # Meetings 10: it appends, so it is no read model
        settings.topic(MEMBERSHIP_EVENTS), settings.topic(MEETINGS_EVENTS), events,
        settings.topic_for, view.name, keys,
    )  # fmt: skip

    async def membership_view_tables(resources: Resources) -> None:
        await prepare_view(resources.pool, view)
        await prepare_view(resources.pool, statuses)

    async def wire(resources: Resources) -> None:
        resources.extras[EXTRA] = Services(
            store=PostgresEventStore(resources.pool, events, settings.topic_for, keys),
            directory=PostgresMembershipDirectory(resources.pool, view.name, keys.ring),
            scheme=scheme,
            clock=clock,
            addresses=Addresses(settings.attendee_address),
            font=Font(settings.sheet_font, settings.sheet_font_bold),
            statuses=PostgresAnnualStatuses(resources.pool),
        )

    return create_http_app(
        service=SERVICE,
        settings=settings,
        routers=[router],
        on_start=[hosting.create_tables, personal.tables(keys.ring), membership_view_tables, wire],
        background={
            "relay": hosting.relay(SERVICE),
            "keys": personal.publisher(SERVICE, settings.topic(MEETINGS_KEYS)),
            "membership_keys": personal.follower(
                "membership", settings.topic(MEMBERSHIP_KEYS), keys.ring
            ),
            "membership_view": hosting.projection(SERVICE, view, events),
            "attendance_revisions": hosting.projection(SERVICE, revisions, events),
            "annual_status_view": hosting.projection(SERVICE, statuses, events),
        },
        errors=ERRORS,
        # the coordinator acts meetings keeps beside its membership facts (Coordinator 9)
        coordinator_view=coordinator_tables.view_of(
            view.name, "coordinator_acts", _coordinator_act
        ),
    )
