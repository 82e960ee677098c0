"""Deciding a network's invoices from the facts (DOMAIN Pool payouts 2-4, 7): a pure
function of the invoices, EKM's overrides, the rate tables and the inputs, so the same facts
always give the same decisions, whatever order they arrived in."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from kn_contracts.events.finance import (
    InvoiceDecided,
    InvoiceReceived,
    InvoiceStatus,
    RateRevision,
    Reason,
)
from kn_rules.checks import Checked, check, number_key
from kn_rules.inputs import NetworkInputs, counted
from kn_rules.pool import Invoice, PoolBook
from kn_rules.rates import RateBook
from kn_rules.scheme import Scheme
from kn_rules.text import day_text

NEEDS_AMOUNT = "override_needs_amount"  # an approval the pool cannot size itself (rule 7)


@dataclass(frozen=True)
class Outcome:
    """A decision as InvoiceDecided states it, without who and when."""

    invoice_id: str
    network_id: str | None
    status: InvoiceStatus
    reasons: tuple[Reason, ...] = ()
    meeting_id: str | None = None
    meeting_date: dt.date | None = None
    list_revision: int | None = None
    rate_scheme: str | None = None
    rate_year: int | None = None
    rate_revision: int | None = None
    rate_indexed_on: tuple[RateRevision, ...] = ()
    counted: int | None = None
    entitlement: int | None = None
    approved: int = 0
    not_covered: int = 0
    overridden: bool = False

    @classmethod
    def of(cls, event: InvoiceDecided) -> Outcome:
        return cls(**{name: getattr(event, name) for name in _FIELDS})

    def fields(self) -> dict[str, Any]:
        return {**asdict(self), "reasons": self.reasons}

    @property
    def payable(self) -> int:
        """What the pool pays for it now: the approved amount, or nothing."""
        return self.approved if self.status == "approved" else 0


_FIELDS = tuple(Outcome.__dataclass_fields__)


def decide(book: PoolBook, inputs: NetworkInputs, rates: RateBook, scheme: Scheme) -> list[Outcome]:
    """Every invoice of the account, in the order received (rule 3)."""
    used: dict[str, int] = {}  # meeting id (or cost kind and year) -> approved so far
    earlier: dict[str, list[InvoiceReceived]] = {}
    for invoice in book.invoices.values():
        # a copy EKM approved stands before every other copy of it, whatever its date: a
        # copy registered later with an earlier date would be paid beside it (rule 7)
        if invoice.ekm_decision == "approve":
            earlier.setdefault(number_key(invoice.received), []).append(invoice.received)
    outcomes = []
    for invoice in book.in_order_received():
        checked = check(invoice.as_checked, inputs, rates, scheme, earlier)
        outcome = _outcome(invoice, checked, scheme, used)
        if outcome.status != "rejected" and invoice.ekm_decision != "approve":  # (in already)
            earlier.setdefault(number_key(invoice.received), []).append(invoice.received)
        outcomes.append(outcome)
    return outcomes


def _outcome(invoice: Invoice, checked: Checked, scheme: Scheme, used: dict[str, int]) -> Outcome:
    received, override = invoice.received, invoice.override
    reasons = tuple(checked.rejections + checked.waits)
    meeting, attendance, rates = checked.meeting, checked.attendance, checked.rates

    def made(
        status: InvoiceStatus,
        reasons: tuple[Reason, ...],
        approved: int,
        not_covered: int,
        overridden: bool = False,
        counted: int | None = None,
        entitlement: int | None = None,
    ) -> Outcome:
        # one Outcome a decision: it is frozen, and a copy per step (dataclasses.replace)
        # cost a fifth of the audit's fold
        return Outcome(
            invoice_id=received.invoice_id,
            network_id=received.network_id,
            status=status,
            reasons=reasons,
            meeting_id=meeting.meeting_id if meeting else None,
            meeting_date=received.meeting_date,
            list_revision=attendance.revision if attendance else None,
            rate_scheme=rates.scheme if rates else None,
            rate_year=rates.year if rates else None,
            rate_revision=rates.revision if rates else None,
            rate_indexed_on=rates.indexed_on if rates else (),
            counted=counted,
            entitlement=entitlement,
            approved=approved,
            not_covered=not_covered,
            overridden=overridden,
        )

    if override is not None and override.decision == "reject":
        why = Reason(rule="Pool payouts 7", code="ekm_rejected", text=override.reason)
        return made("rejected", (*reasons, why), 0, received.amount, overridden=True)
    approving = override is not None and override.decision == "approve"
    if approving and override is not None and override.approved_amount is not None:
        paid = min(override.approved_amount, received.amount)
        key = _share_key(received, checked, scheme)
        if key is not None:  # what EKM approves uses the meeting's entitlement too (rule 3)
            used[key] = used.get(key, 0) + paid
        return made("approved", reasons, paid, received.amount - paid, overridden=True)
    if checked.rejections and not approving:
        return made("rejected", reasons, 0, received.amount)
    if checked.waits or rates is None:
        return made("waiting", reasons, 0, 0, overridden=approving)
    if received.cost_kind in scheme.capped_cost_kinds:
        # a yearly cap per network shared in the order received (DOMAIN "Other schemes")
        key, heads = f"cap:{received.cost_kind}:{rates.year}", None
        entitlement = rates.yearly_caps.get(received.cost_kind, 0)
    elif meeting is None or attendance is None:
        # EKM approved without an amount, but no held meeting's list gives the entitlement
        # (no meeting, cancelled, moved, unknown network): an outcome, never a crash (rule 7)
        why = _needs_amount(received)
        return made("rejected", (*reasons, why), 0, received.amount, overridden=True)
    else:
        key = f"meeting:{meeting.meeting_id}"
        heads = counted(attendance.lines, rates)
        entitlement = rates.pool[received.tier or rates.default_tier] * heads  # rule 3
    left = max(entitlement - used.get(key, 0), 0)
    paid = min(received.amount, left)
    used[key] = used.get(key, 0) + paid
    return made("approved", reasons, paid, received.amount - paid, approving, heads, entitlement)


def _share_key(received: InvoiceReceived, checked: Checked, scheme: Scheme) -> str | None:
    """The entitlement an invoice draws on: its meeting's, or its kind's yearly cap."""
    if received.cost_kind in scheme.capped_cost_kinds:
        return f"cap:{received.cost_kind}:{checked.rates.year}" if checked.rates else None
    return f"meeting:{checked.meeting.meeting_id}" if checked.meeting else None


def _needs_amount(received: InvoiceReceived) -> Reason:
    when = day_text(received.meeting_date) if received.meeting_date else "no date"
    return Reason(
        rule="Pool payouts 7",
        code=NEEDS_AMOUNT,
        text=f"give approved_amount: no held meeting with a list on {when} sets the entitlement",
    )
