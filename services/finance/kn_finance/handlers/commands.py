"""HTTP use cases: each loads its stream, decides in the domain and appends; what finance
decides about an invoice follows from the decider (adapters.inputs) once it is recorded."""

from __future__ import annotations

from typing import Any, Literal

from kn_finance.domain import commands as rules
from kn_finance.domain.rates import RateBook, Rates
from kn_finance.domain.scheme import Scheme
from kn_finance.handlers.streams import FEE_YEARS, pool_of, rate_book, rates_of
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import decide_and_append


async def publish_rates(
    store: EventStore, cmd: rules.PublishRates, scheme: Scheme, cause: Cause
) -> Rates:
    """Record the year's next rate revision; answer it resolved to øre."""
    decided = await decide_and_append(
        store, rates_of(scheme.scheme), lambda book: rules.publish_rates(book, cmd, scheme, cause)
    )
    return decided.state.resolve(cmd.year)


async def register_invoice(
    store: EventStore, invoice: dict[str, Any], scheme: Scheme, cause: Cause
) -> dict[str, Any]:
    """Keep an invoice; the decider decides it (now, or when its list arrives)."""
    await decide_and_append(
        store,
        pool_of(invoice["network_id"]),
        lambda book: rules.register_invoice(book, invoice, scheme, cause),
    )
    return {
        "invoice_id": invoice["invoice_id"],
        "network_id": invoice["network_id"],
        "status": "received",
    }


async def notify_booking(
    store: EventStore, booking: dict[str, Any], scheme: Scheme, cause: Cause
) -> dict[str, Any]:
    await decide_and_append(
        store,
        pool_of(booking["network_id"]),
        lambda book: rules.notify_booking(book, booking, scheme, cause),
    )
    return {"booking_id": booking["booking_id"], "network_id": booking["network_id"]}


async def override_invoice(
    store: EventStore,
    network_id: str | None,
    invoice_id: str,
    decision: Literal["approve", "reject"],
    reason: str,
    amount: int | None,
    cause: Cause,
) -> dict[str, Any]:
    await decide_and_append(
        store,
        pool_of(network_id),
        lambda book: rules.override_invoice(book, invoice_id, decision, reason, amount, cause),
    )
    return {"invoice_id": invoice_id, "decision": decision, "status": "overridden"}


async def close_fee_year(
    store: EventStore, year: int, scheme: Scheme, cause: Cause
) -> dict[str, Any]:
    """Close the year; each payee's fee follows as CoordinatorFeeDue (from the decider)."""

    async def tables(_: object) -> RateBook:
        return await rate_book(store, scheme.scheme)

    await decide_and_append(
        store,
        FEE_YEARS,
        lambda years, rates: rules.close_fee_year(years, year, rates, scheme, cause),
        prepare=tables,
    )
    return {"year": year, "status": "closed"}
