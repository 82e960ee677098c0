"""Composition root of the finance service: chooses the concrete adapters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI

from kn_contracts.catalog import Catalog
from kn_contracts.topics import (
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    catalog,
)
from kn_finance import SERVICE
from kn_finance.adapters.inputs import FinanceInputs
from kn_finance.adapters.payouts_view import PayoutsView
from kn_finance.entrypoints import exports, fees, pool
from kn_finance.entrypoints.wiring import EXTRA, Services
from kn_finance.settings import FinanceSettings
from kn_rules.errors import Conflict, Invalid, NotFound
from kn_rules.scheme_files import load_scheme
from kn_servicekit import coordinator_tables, hosting
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.http import Resources, create_http_app
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Projection
from kn_servicekit.rebuild import live_schema
from kn_servicekit.serve import ReadModels

ERRORS: dict[type[Exception], int] = {NotFound: 404, Conflict: 409, Invalid: 422}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def finance_inputs(
    settings: FinanceSettings, *, deciding: bool = False, clock: Callable[[], dt.datetime] = _now
) -> tuple[FinanceInputs, Catalog]:
    """Finance's view of meetings and membership; deciding, also the decider."""
    topics = (settings.topic(MEETINGS_EVENTS), settings.topic(MEMBERSHIP_EVENTS))
    events = catalog()
    projection = FinanceInputs(
        topics,
        events,
        load_scheme(settings.scheme),
        settings.topic_for,
        deciding=deciding,
        today=lambda: copenhagen_date(clock()),
    )
    return projection, events


def payouts_view(settings: FinanceSettings) -> tuple[PayoutsView, Catalog]:
    """Every payout event, for EKM's exports."""
    return PayoutsView(settings.topic(FINANCE_PAYOUTS)), catalog()


def _tables_only(settings: FinanceSettings) -> tuple[Projection, Catalog]:
    return finance_inputs(settings, deciding=False)


def _payouts(settings: FinanceSettings) -> tuple[Projection, Catalog]:
    return payouts_view(settings)


READ_MODELS: ReadModels[FinanceSettings] = {
    "finance_inputs": _tables_only,
    "payouts_view": _payouts,
}
"""What `kn-finance rebuild` can rebuild (finance_inputs as tables only: never deciding)."""


def create_app(settings: FinanceSettings, clock: Callable[[], dt.datetime] = _now) -> FastAPI:
    """The finance service's HTTP app with its Kafka side attached."""
    decider, events = finance_inputs(settings, deciding=True, clock=clock)
    exported, _ = payouts_view(settings)
    scheme = load_scheme(settings.scheme)

    async def tables(resources: Resources) -> None:
        for read_model in (decider, exported):
            schema = await live_schema(resources.pool, read_model.name)
            async with resources.pool.acquire() as conn, conn.transaction():
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                await conn.execute(f'SET LOCAL search_path TO "{schema}"')
                await read_model.create(conn)

    async def wire(resources: Resources) -> None:
        resources.extras[EXTRA] = Services(
            store=PostgresEventStore(resources.pool, events, settings.topic_for),
            catalog=events,
            scheme=scheme,
            font=settings.statement_font,
            clock=clock,
        )

    return create_http_app(
        service=SERVICE,
        settings=settings,
        routers=[pool.router, fees.router, exports.router],
        on_start=[hosting.create_tables, tables, wire],
        background={
            "relay": hosting.relay(SERVICE),
            "finance_inputs": hosting.projection(SERVICE, decider, events),
            "payouts_view": hosting.projection(SERVICE, exported, events),
        },
        errors=ERRORS,
        # the coordinator acts finance folds for the fee decide who may act (Coordinator 9)
        coordinator_view=coordinator_tables.view_of(
            decider.name,
            "fin_coordinator_acts",
            coordinator_tables.decoder(events),
            kind="ce_type",
            body="body",
        ),
    )
