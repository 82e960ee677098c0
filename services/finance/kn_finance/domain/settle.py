"""From decisions to events: a changed decision is an InvoiceDecided, and a change of what
the pool pays is a payout (DOMAIN Pool payouts 8): the first is PoolPayoutApproved, every
later change a PayoutAdjusted for the difference, so a thing's payouts sum to its amount.

Each change is one append whose cause key names the payout's kind, thing and revision (or
the decision's), so its event ids are UUIDv5s of those: the same change always has the
same ids, and a repeat of it is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events.finance import InvoiceDecided
from kn_contracts.events.payouts import PayoutAdjusted, PoolPayoutApproved
from kn_rules.decide import Outcome
from kn_rules.pool import Invoice, PoolBook, thing_of
from kn_rules.rates import rates_named
from kn_servicekit.cause import Cause


@dataclass(frozen=True)
class Change:
    """What one invoice's new decision (or one payee's fee) appends, under which cause key."""

    subject: str  # the invoice id, or the payee's person id
    cause_key: str
    events: tuple[Event, ...]


def changes(book: PoolBook, outcomes: list[Outcome], cause: Cause) -> list[Change]:
    """The changes that bring the account to these decisions (none if it is there)."""
    found = []
    for outcome in outcomes:
        change = change_of(book.invoices[outcome.invoice_id], outcome, cause)
        if change is not None:
            found.append(change)
    return found


def change_of(invoice: Invoice, outcome: Outcome, cause: Cause) -> Change | None:
    """The events one invoice needs, or None when its decision and payouts stand."""
    previous = Outcome.of(invoice.decision) if invoice.decision else None
    if previous == outcome:
        return None
    stamp = cause.stamp(cause.today)
    decided = InvoiceDecided(**stamp, **outcome.fields())
    thing = thing_of(outcome.network_id, outcome.invoice_id)
    payout = _payout(invoice, outcome, previous, thing, cause)
    if payout is None:
        return Change(
            outcome.invoice_id, f"InvoiceDecided:{thing}:{invoice.decisions + 1}", (decided,)
        )
    key = f"{payout.event_name()}:{thing}:{invoice.payouts + 1}"
    return Change(outcome.invoice_id, key, (decided, payout))


def _payout(
    invoice: Invoice, outcome: Outcome, previous: Outcome | None, thing: str, cause: Cause
) -> Event | None:
    received, stamp = invoice.received, cause.stamp(cause.today)
    if outcome.network_id is None:
        return None  # nothing is paid without a network (an override cannot approve it)
    if invoice.payouts == 0:
        if outcome.status != "approved":
            return None
        return PoolPayoutApproved(
            **stamp,
            thing=thing,
            invoice_id=outcome.invoice_id,
            network_id=outcome.network_id,
            meeting_id=outcome.meeting_id,
            meeting_date=outcome.meeting_date,
            list_revision=outcome.list_revision,
            rate_scheme=outcome.rate_scheme,
            rate_year=outcome.rate_year,
            rate_revision=outcome.rate_revision,
            rate_indexed_on=outcome.rate_indexed_on,
            supplier_name=received.supplier_name,
            supplier_invoice_number=received.supplier_invoice_number,
            payee=received.payee,
            amount=outcome.payable,
            not_covered=outcome.not_covered,
        )
    if outcome.payable == invoice.paid:
        return None
    return PayoutAdjusted(
        **stamp,
        thing=thing,
        adjusts="pool",
        network_id=outcome.network_id,
        invoice_id=outcome.invoice_id,
        year=(outcome.meeting_date or received.received_date).year,
        amount=outcome.payable - invoice.paid,
        previous_total=invoice.paid,
        new_total=outcome.payable,
        cause=what_changed(previous, outcome),
        meeting_id=outcome.meeting_id,
        list_revision=outcome.list_revision,
        rate_scheme=outcome.rate_scheme,
        rate_revision=outcome.rate_revision,
        rate_indexed_on=outcome.rate_indexed_on,
        payee=received.payee,
    )


def what_changed(previous: Outcome | None, now: Outcome) -> str:
    """The cause of an adjustment, as a person reads it."""
    if previous is None:
        return "first decision"
    said = []
    if now.list_revision != previous.list_revision:
        said.append(f"attendance list revision {now.list_revision}")
    if _rates_of(now) != _rates_of(previous):
        said.append(rates_named(now.rate_year, now.rate_revision, now.rate_indexed_on))
    if now.overridden != previous.overridden or (now.overridden and now.status != previous.status):
        said.append("EKM override")
    if now.status != previous.status:
        codes = ", ".join(r.code for r in now.reasons) or "all checks pass"
        said.append(f"{previous.status} -> {now.status} ({codes})")
    if now.counted != previous.counted and now.list_revision == previous.list_revision:
        said.append(f"counted {previous.counted} -> {now.counted}")
    return "; ".join(said) or "an earlier invoice of the meeting changed"


def _rates_of(outcome: Outcome) -> tuple[object, ...]:
    return (outcome.rate_year, outcome.rate_revision, outcome.rate_indexed_on)
