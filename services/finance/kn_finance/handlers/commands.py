"""HTTP use cases: each takes the append lock, loads its stream, decides in the domain and
appends, then decides again whatever its fact touches, in the same transaction (an invoice
is decided as it is registered; a rate table or a year's close settles every network).

The lock is the one every append takes, taken before anything is read, so a command and the
decider (adapters.inputs, which takes it too) never decide on each other's half-written
state: whichever goes second sees what the first committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from kn_contracts.base import Event
from kn_finance.domain import commands as rules
from kn_finance.domain import views
from kn_finance.handlers import settle
from kn_finance.handlers.copies import Copies
from kn_finance.handlers.settle import Inputs
from kn_finance.handlers.streams import (
    FEE_YEARS,
    accounts,
    pool_book,
    pool_of,
    rate_book,
    rates_of,
)
from kn_rules.decide import NEEDS_AMOUNT
from kn_rules.errors import CHECKS, Invalid
from kn_rules.pool import Invoice, PoolBook
from kn_rules.rates import RateBook, Rates
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import decide_and_append, load

DECIDER = "finance"  # the actor of what finance decides from a fact


def decider(cause: Cause) -> Cause:
    """Finance decides, caused by the command (its causation and correlation ids)."""
    return Cause(DECIDER, cause.causation_id, cause.correlation_id, cause.today)


async def publish_rates(
    store: EventStore, inputs: Inputs, cmd: rules.PublishRates, scheme: Scheme, cause: Cause
) -> Rates:
    """Record the year's next rate revision, decide every network again (Pool payouts 8);
    answer the table resolved to øre."""
    await store.lock_for_append()
    accounts = [await pool_book(store, network) for network in [*await inputs.networks(), None]]
    paid = rules.paid_tiers(accounts)
    decided = await decide_and_append(
        store,
        rates_of(scheme.scheme),
        lambda book: rules.publish_rates(book, cmd, scheme, cause, paid),
    )
    await settle.settle_everything(store, inputs, scheme, decider(cause))
    return decided.state.resolve(cmd.year)


async def register_invoice(
    store: EventStore,
    inputs: Inputs,
    invoice: dict[str, Any],
    scheme: Scheme,
    cause: Cause,
    folds: settle.Folds | None = None,
) -> dict[str, Any]:
    """Keep an invoice and decide it: now, or (waiting) when its list arrives."""
    await store.lock_for_append()
    network = invoice["network_id"]
    elsewhere = await _elsewhere(store, inputs, network, folds)
    meetings = (await inputs.network(network)).meetings if network is not None else None
    await decide_and_append(
        store,
        pool_of(network),
        lambda book: rules.register_invoice(
            book, invoice, scheme, cause, list(elsewhere.values()), meetings
        ),
    )
    await settle.settle_pool(store, inputs, network, scheme, decider(cause))
    kept = (await pool_book(store, network)).invoices[invoice["invoice_id"]]
    return await Copies(store, elsewhere).view(network, kept, views.invoice_view(kept))


async def _elsewhere(
    store: EventStore, inputs: Inputs, network: str | None, folds: settle.Folds | None
) -> dict[str | None, PoolBook]:
    """The other accounts' books, read under the append lock: one supplier-invoice index
    across all accounts (Pool payouts 7). Their folds are cached between commands, so each
    reads what is new."""
    folds = folds or settle.Folds()
    others = [n for n in await accounts(store) if n != network]
    return {n: (await load(store, pool_of(n), folds.pool(pool_of(n).stream_id)))[0] for n in others}


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
    inputs: Inputs,
    scheme: Scheme,
    network_id: str | None,
    invoice_id: str,
    decision: Literal["approve", "reject"],
    reason: str,
    amount: int | None,
    cause: Cause,
    folds: settle.Folds | None = None,
    not_copy_of: Sequence[str] = (),
) -> dict[str, Any]:
    """EKM's override, and the network's invoices decided again with it."""
    await store.lock_for_append()

    def decide(book: PoolBook, others: list[PoolBook]) -> list[Event]:
        return list(rules.override_invoice(
            book, invoice_id, decision, reason, amount, cause, others, not_copy_of
        ))  # fmt: skip

    def kept(found: Invoice) -> None:
        decided = found.decision
        if decided is not None and any(r.code == NEEDS_AMOUNT for r in decided.reasons):
            # raised inside the command's transaction, so the override is not kept (rule 7)
            raise Invalid(
                CHECKS,
                f"approved_amount is needed: invoice {invoice_id} has no held meeting with an "
                "attendance list to set the entitlement; give approved_amount in øre",
            )

    return await _ekm_on_invoice(
        store, inputs, scheme, network_id, invoice_id, cause, folds, decide, kept
    )


async def name_meeting(
    store: EventStore,
    inputs: Inputs,
    scheme: Scheme,
    network_id: str | None,
    invoice_id: str,
    meeting_id: str,
    reason: str,
    cause: Cause,
    folds: settle.Folds | None = None,
) -> dict[str, Any]:
    """EKM names an invoice's meeting, and the network's invoices are decided again."""
    await store.lock_for_append()
    meetings = (await inputs.network(network_id)).meetings

    def decide(book: PoolBook, others: list[PoolBook]) -> list[Event]:
        return list(
            rules.name_meeting(book, invoice_id, meeting_id, reason, meetings, cause, others)
        )

    return await _ekm_on_invoice(
        store, inputs, scheme, network_id, invoice_id, cause, folds, decide
    )


async def _ekm_on_invoice(
    store: EventStore,
    inputs: Inputs,
    scheme: Scheme,
    network_id: str | None,
    invoice_id: str,
    cause: Cause,
    folds: settle.Folds | None,
    decide: Callable[[PoolBook, list[PoolBook]], list[Event]],
    kept: Callable[[Invoice], None] = lambda _: None,
) -> dict[str, Any]:
    """An EKM act on one invoice (override, naming its meeting), under the append lock the
    caller took, decided with every other account's book (the copies, Pool payouts 7).
    The network's invoices are decided again with it, `kept` may refuse the result (raised
    in the command's transaction), and the clerk gets the invoice's view with its copies in
    every account, which stay as they are (copies.py)."""
    elsewhere = await _elsewhere(store, inputs, network_id, folds)
    others = list(elsewhere.values())
    await decide_and_append(store, pool_of(network_id), lambda book: decide(book, others))
    await settle.settle_pool(store, inputs, network_id, scheme, decider(cause))
    found = (await pool_book(store, network_id)).invoices[invoice_id]
    kept(found)
    copies = Copies(store, elsewhere)
    return await copies.view(network_id, found, views.invoice_view(found), list(elsewhere))


async def close_fee_year(
    store: EventStore, inputs: Inputs, year: int, scheme: Scheme, cause: Cause
) -> dict[str, Any]:
    """Close the year; each payee's fee becomes a CoordinatorFeeDue at once (rule 9)."""
    await store.lock_for_append()

    async def tables(_: object) -> RateBook:
        return await rate_book(store, scheme.scheme)

    await decide_and_append(
        store,
        FEE_YEARS,
        lambda years, rates: rules.close_fee_year(years, year, rates, scheme, cause),
        prepare=tables,
    )
    due = await settle.settle_everything(store, inputs, scheme, decider(cause), fees_only_for=year)
    return {"year": year, "status": "closed", "fees_due": len(due)}
