"""The money part of the annual status, from finance's events: invoices as finance decided
them, pool use against entitlement, and the coordinator fee (DOMAIN Pool payouts 3-9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.finance import InvoiceDecided, InvoiceOverridden, InvoiceReceived
from kn_reporting.domain.facts import Facts
from kn_reporting.domain.fees import CoordinatorFee, coordinator_fee

InvoiceState = Literal["waiting", "approved", "rejected"]


@dataclass(frozen=True)
class Invoice:
    """One invoice of the year as finance last decided it (waiting until it has)."""

    invoice_id: str
    supplier_name: str
    supplier_invoice_number: str
    cost_kind: str
    received_date: dt.date
    due_date: dt.date
    meeting_date: dt.date | None
    amount: int
    status: InvoiceState
    approved: int
    not_covered: int
    reasons: tuple[str, ...]  # "rule: text" of every reason it waits or was rejected
    override: str | None  # EKM's reason when a clerk overrode the decision (Pool payouts 7)
    reason_codes: tuple[str, ...] = ()  # each reason's code, in the order of `reasons`


@dataclass(frozen=True)
class PoolUse:
    """A meeting's entitlement (rate × counted owners, Pool payouts 3) and what was used."""

    meeting_id: str | None
    meeting_date: dt.date | None
    entitlement: int
    used: int


@dataclass(frozen=True)
class Money:
    """Invoices, the pool and the fee; `available` is false while finance has published
    nothing for the network's year (no invoice, rate table or fee statement)."""

    available: bool
    note: str | None
    invoices: tuple[Invoice, ...]
    approved: int
    not_covered: int
    rejected: int
    waiting: int
    pool: tuple[PoolUse, ...]
    pool_used: int
    pool_entitlement: int
    fee: CoordinatorFee


def money(
    facts: Facts,
    year: int,
    history: RoleHistory,
    names: dict[str, str],
    today: dt.date,
    scheme: str | None,
) -> Money:
    """The network's money figures for `year`."""
    invoices = _invoices(facts, year)
    pool = _pool(facts, invoices)
    charge = coordinator_fee(facts, year, history, names, today, scheme)
    available = bool(invoices) or charge.status != "not_available"
    return Money(
        available=available,
        note=None
        if available
        else f"not yet available: finance has published nothing for "
        f"{year} yet (no rate table, invoice or fee statement)",
        invoices=invoices,
        approved=sum(i.approved for i in invoices if i.status == "approved"),
        not_covered=sum(i.not_covered for i in invoices if i.status == "approved"),
        rejected=sum(1 for i in invoices if i.status == "rejected"),
        waiting=sum(1 for i in invoices if i.status == "waiting"),
        pool=pool,
        pool_used=sum(p.used for p in pool),
        pool_entitlement=sum(p.entitlement for p in pool),
        fee=charge,
    )


def _invoices(facts: Facts, year: int) -> tuple[Invoice, ...]:
    received: dict[str, InvoiceReceived] = {}
    decided: dict[str, InvoiceDecided] = {}
    overridden: dict[str, str] = {}
    for e in facts.of(InvoiceReceived, InvoiceDecided, InvoiceOverridden):
        if isinstance(e, InvoiceReceived):
            received[e.invoice_id] = e
        elif isinstance(e, InvoiceDecided):
            decided[e.invoice_id] = e  # a new decision replaces the earlier one whole
        elif isinstance(e, InvoiceOverridden):
            overridden[e.invoice_id] = e.reason
    lines = []
    for r in received.values():
        if (r.meeting_date or r.received_date).year != year:
            continue
        d = decided.get(r.invoice_id)
        approved = d is not None and d.status == "approved"
        lines.append(
            Invoice(
                r.invoice_id,
                r.supplier_name,
                r.supplier_invoice_number,
                r.cost_kind,
                r.received_date,
                r.due_date,
                r.meeting_date,
                r.amount,
                "waiting" if d is None else d.status,
                d.approved if d is not None and approved else 0,
                d.not_covered if d is not None and approved else 0,
                () if d is None else tuple(f"{x.rule}: {x.text}" for x in d.reasons),
                overridden.get(r.invoice_id),
                () if d is None else tuple(x.code for x in d.reasons),
            )
        )
    return tuple(sorted(lines, key=lambda i: (i.received_date, i.invoice_id)))


def _pool(facts: Facts, invoices: tuple[Invoice, ...]) -> tuple[PoolUse, ...]:
    """Per meeting: its entitlement (rate × counted owners) as finance last stated it, and
    what its approved invoices used of it; a yearly cap of another cost kind is no pool."""
    mine = {i.invoice_id for i in invoices}
    latest: dict[str, InvoiceDecided] = {}
    for d in facts.of(InvoiceDecided):
        if isinstance(d, InvoiceDecided) and d.invoice_id in mine:
            latest.pop(d.invoice_id, None)  # keep the order of the latest decisions
            latest[d.invoice_id] = d
    # by meeting: invoices naming one moved meeting by id and by its new date share it
    entitlement: dict[str | None, int] = {}
    used: dict[str | None, int] = {}
    day: dict[str | None, dt.date | None] = {}
    for d in latest.values():
        if d.status != "approved" or d.counted is None or d.entitlement is None:
            continue
        key = d.meeting_id
        entitlement[key] = d.entitlement  # several invoices share one (Pool payouts 3)
        used[key] = used.get(key, 0) + d.approved
        seen = day.get(key)
        if seen is None or (d.meeting_date is not None and d.meeting_date < seen):
            day[key] = d.meeting_date
    order = sorted(entitlement, key=lambda k: (day[k] or dt.date.min, k or ""))
    return tuple(PoolUse(k, day[k], entitlement[k], used[k]) for k in order)
