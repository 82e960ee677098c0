"""Composition root of the reporting service: chooses the concrete adapters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import structlog
from fastapi import FastAPI

from kn_contracts.catalog import Catalog
from kn_contracts.topics import (
    FINANCE_EVENTS,
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEETINGS_KEYS,
    MEMBERSHIP_EVENTS,
    MEMBERSHIP_KEYS,
    REPORTING_EVENTS,
    catalog,
)
from kn_reporting import SERVICE
from kn_reporting.adapters.document import FONT_PACKAGE, FontMissing
from kn_reporting.adapters.facts_view import FactsReader, ReportFacts, prepare_view
from kn_reporting.domain.errors import Conflict, Invalid, NotFound
from kn_reporting.domain.policy import Policy
from kn_reporting.entrypoints.api import audit_router, overview_router, router
from kn_reporting.entrypoints.wiring import EXTRA, Services
from kn_reporting.handlers import Reports
from kn_reporting.settings import ReportingSettings
from kn_rules.scheme_files import load_scheme
from kn_servicekit import coordinator_tables, hosting, personal
from kn_servicekit.http import Resources, create_http_app
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.sealing import KeyRing

ERRORS: dict[type[Exception], int] = {NotFound: 404, Conflict: 409, Invalid: 422, FontMissing: 503}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def report_facts(settings: ReportingSettings) -> tuple[ReportFacts, Catalog]:
    """Reporting's facts from membership's, meetings' and finance's topics (and its own
    filings, for the overview)."""
    topics = (MEMBERSHIP_EVENTS, MEETINGS_EVENTS, FINANCE_EVENTS, FINANCE_PAYOUTS, REPORTING_EVENTS)
    return ReportFacts([settings.topic(t) for t in topics]), catalog()


READ_MODELS = {ReportFacts.name: report_facts}
"""What `kn-reporting rebuild` can rebuild."""


def policy_from(settings: ReportingSettings) -> Policy:
    return Policy(
        min_meetings=settings.min_meetings_per_year,
        max_meetings=settings.max_meetings_per_year,
        due_month=settings.status_due_month,
        due_day=settings.status_due_day,
        min_clinics=settings.anonymity_min_clinics,
        quartile_min_networks=settings.quartile_min_networks,
        rate_scheme=settings.rate_scheme,
    )


def create_app(settings: ReportingSettings, clock: Callable[[], dt.datetime] = _now) -> FastAPI:
    """The reporting service's HTTP app with its Kafka side attached."""
    view, events = report_facts(settings)
    policy = policy_from(settings)
    scheme = load_scheme(settings.audit_scheme)
    ring = KeyRing()  # copies of membership's and meetings' keys, to show names (issue 15)

    async def tables(resources: Resources) -> None:
        await prepare_view(resources.pool, view)
        if not settings.pdf_font.is_file():
            structlog.get_logger(SERVICE).warning(
                "pdf_font_missing", font=str(settings.pdf_font), install=FONT_PACKAGE
            )

    async def wire(resources: Resources) -> None:
        resources.extras[EXTRA] = Services(
            reports=Reports(FactsReader(resources.pool, events, ring), policy, scheme),
            store=PostgresEventStore(resources.pool, events, settings.topic_for),
            font=settings.pdf_font,
            clock=clock,
        )

    return create_http_app(
        service=SERVICE,
        settings=settings,
        routers=[router, overview_router, audit_router],
        on_start=[hosting.create_tables, personal.tables(ring), tables, wire],
        background={
            "relay": hosting.relay(SERVICE),
            "membership_keys": personal.follower(
                "membership", settings.topic(MEMBERSHIP_KEYS), ring
            ),
            "meetings_keys": personal.follower("meetings", settings.topic(MEETINGS_KEYS), ring),
            "report_facts": hosting.projection(SERVICE, view, events),
        },
        errors=ERRORS,
        # the coordinator acts among a network's facts decide who may act (Coordinator 9)
        coordinator_view=coordinator_tables.view_of(
            view.name,
            "report_facts",
            coordinator_tables.decoder(events),
            kinds=coordinator_tables.COORDINATOR_TYPES,
            network="scope",
            kind="ce_type",
            body="body",
        ),
    )
