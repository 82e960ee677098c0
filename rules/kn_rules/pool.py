"""A network's pool account: its invoices, bookings, decisions and payouts (one stream).

The stream of a network (`pool:<network>`) is the consistency boundary of its invoices:
they share a meeting's entitlement in the order received (DOMAIN Pool payouts 3), so they
are decided together. Invoices naming no network have an account of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kn_contracts.base import Event
from kn_contracts.events.finance import (
    BookingNotified,
    InvoiceDecided,
    InvoiceMeetingNamed,
    InvoiceOverridden,
    InvoiceReceived,
)
from kn_contracts.events.payouts import PayoutAdjusted, PoolPayoutApproved

NO_NETWORK = "_none"  # never an Identifier, so never a network's id


def account_of(network_id: str | None) -> str:
    """The pool stream of a network (or of the invoices that name none)."""
    return f"pool:{network_id or NO_NETWORK}"


def thing_of(network_id: str | None, invoice_id: str) -> str:
    """What a pool payout pays: the invoice of a network."""
    return f"pool:{network_id or NO_NETWORK}:{invoice_id}"


@dataclass
class Invoice:
    """One received invoice and what became of it."""

    received: InvoiceReceived
    order: int  # position among the account's invoices, as registered
    overrides: list[InvoiceOverridden] = field(default_factory=list)
    named: InvoiceMeetingNamed | None = None  # the meeting EKM named, the latest
    decision: InvoiceDecided | None = None
    decisions: int = 0  # how many times it was decided
    payouts: int = 0  # how many payout events it has (its payout revision)
    paid: int = 0  # their sum: the amount published so far (Pool payouts 8)

    @property
    def invoice_id(self) -> str:
        return self.received.invoice_id

    @property
    def as_checked(self) -> InvoiceReceived:
        """The invoice the checks read: with the meeting EKM named, if it named one."""
        if self.named is None:
            return self.received
        return self.received.model_copy(update={"meeting_id": self.named.meeting_id})

    @property
    def override(self) -> InvoiceOverridden | None:
        """EKM's latest override, which is the one in force."""
        return self.overrides[-1] if self.overrides else None

    @property
    def ekm_decision(self) -> str | None:
        """What EKM's override in force decided ("approve", "reject"), if any."""
        return self.overrides[-1].decision if self.overrides else None

    @property
    def not_copy_of(self) -> frozenset[str]:
        """The possible copies (network/invoice id) EKM said are other suppliers' invoices
        (rule 7), in its approvals since it last rejected this one: a rejection withdraws
        them, so an approval after it says them again or waits for the other."""
        said: set[str] = set()
        for o in self.overrides:
            said = said | set(o.not_copy_of) if o.decision == "approve" else set()
        return frozenset(said)


@dataclass
class PoolBook:
    """The fold of a pool stream."""

    invoices: dict[str, Invoice] = field(default_factory=dict)
    bookings: dict[str, BookingNotified] = field(default_factory=dict)
    folded: int = 0  # events folded in: tells a state that moved on from one that did not

    def apply(self, event: Event) -> PoolBook:
        self.folded += 1
        if isinstance(event, InvoiceReceived):
            self.invoices[event.invoice_id] = Invoice(event, len(self.invoices))
        elif isinstance(event, BookingNotified):
            self.bookings[event.booking_id] = event
        elif isinstance(event, InvoiceOverridden):
            self.invoices[event.invoice_id].overrides.append(event)
        elif isinstance(event, InvoiceMeetingNamed):
            self.invoices[event.invoice_id].named = event
        elif isinstance(event, InvoiceDecided):
            invoice = self.invoices[event.invoice_id]
            invoice.decision = event
            invoice.decisions += 1
        elif isinstance(event, PoolPayoutApproved | PayoutAdjusted):
            invoice = self.invoices[event.invoice_id or ""]
            invoice.payouts += 1
            invoice.paid += event.amount
        return self

    def in_order_received(self) -> list[Invoice]:
        """Invoices by received date, then as registered (Pool payouts 3)."""
        return sorted(self.invoices.values(), key=lambda i: (i.received.received_date, i.order))


def fold(events: list[Event]) -> PoolBook:
    """A pool book from its events (for tests and one-off reads)."""
    book = PoolBook()
    for event in events:
        book.apply(event)
    return book
