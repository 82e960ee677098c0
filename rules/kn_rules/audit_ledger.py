"""The audit's ledger and its facts: each event money reads as a small value of plain data
(tuples, strings, ints, None), and whose figures it belongs to (its scope).

The Ledger folds facts, never events, so one fold serves an event just read and
one a replay spilled to disk and read back (kn_deploy.audit): a fact survives `marshal`
unchanged. Only the events the rules take whole (invoices, EKM's overrides, coordinator
acts, rate tables) stay events in their fact; a replay spills those as the message's own
bytes and decodes them again with the same catalog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import meetings as mt
from kn_contracts.events import membership as ms
from kn_contracts.events import payouts as po
from kn_rules.facts import COORDINATOR_ACTS, InputsBook, MeetingChange, meeting_change
from kn_rules.inputs import ListFact
from kn_rules.pool import NO_NETWORK, PoolBook
from kn_rules.rates import RateBook
from kn_rules.scheme import Scheme

Fact = tuple[Any, ...]

# the scope of the facts every network's figures read: rate tables, a year's close
GLOBAL: Final = ""

# what a fact is: its first item
MEETING: Final = "meeting"  # network, meeting, date, status, new date, new status, list
NETWORK: Final = "network"  # network, name
DECIDED: Final = "decided"  # network or None, invoice, status, approved, not covered
PAID: Final = "paid"  # thing, amount
CLOSED: Final = "closed"  # year, day (a fee year's close)
EVENT: Final = "event"  # an event the rules take whole

_WHOLE = (fi.InvoiceReceived, fi.InvoiceOverridden, fi.InvoiceMeetingNamed, *COORDINATOR_ACTS)
_PAYOUTS = (po.PoolPayoutApproved, po.CoordinatorFeeDue, po.PayoutAdjusted)


def fact_of(event: Event) -> tuple[str, Fact] | None:
    """The scope and fact of an event money reads; None for any other event.

    The scope is a network's id (NO_NETWORK for an invoice that names none, or a payout of
    one), or GLOBAL. A payout's scope is the network its thing names ("pool:<network>:..."
    or "fee:<network>:..."): the figures look a payout up by that thing only."""
    kind = type(event)
    read = _READERS.get(kind)
    if read is None:  # found once per class, by the first isinstance that holds
        read = _READERS[kind] = next((r for c, r in _BY_CLASS if issubclass(kind, c)), _none)
    return read(event)


def _meeting_fact(event: Any) -> tuple[str, Fact] | None:
    change = meeting_change(event)
    return None if change is None else (change.network_id, _meeting(change))


def _whole(event: Any) -> tuple[str, Fact]:
    return getattr(event, "network_id", None) or NO_NETWORK, (EVENT, event)


def _decided(event: Any) -> tuple[str, Fact]:
    fact = (DECIDED, event.network_id, event.invoice_id, event.status, event.approved,
            event.not_covered)  # fmt: skip
    return event.network_id or NO_NETWORK, fact


def _paid(event: Any) -> tuple[str, Fact]:
    parts = event.thing.split(":", 2)
    return (parts[1] if len(parts) == 3 else GLOBAL), (PAID, event.thing, event.amount)


def _none(event: Any) -> None:
    return None


_BY_CLASS: tuple[tuple[type, Callable[[Any], tuple[str, Fact] | None]], ...] = (
    (mt.MeetingsEvent, _meeting_fact),
    (ms.NetworkCreated, lambda e: (e.network_id, (NETWORK, e.network_id, e.name))),
    (fi.RateTablePublished, lambda e: (GLOBAL, (EVENT, e))),
    *((kind, _whole) for kind in _WHOLE),
    (
        fi.CoordinatorFeeYearClosed,
        lambda e: (GLOBAL, (CLOSED, e.year, e.effective_date.toordinal())),
    ),
    (fi.InvoiceDecided, _decided),
    *((kind, _paid) for kind in _PAYOUTS),
)
_READERS: dict[type, Callable[[Any], tuple[str, Fact] | None]] = {}


def _meeting(change: MeetingChange) -> Fact:
    listed = change.listed
    return (
        MEETING,
        change.network_id,
        change.meeting_id,
        change.date.toordinal(),
        change.status,
        None if change.new_date is None else change.new_date.toordinal(),
        change.new_status,
        None if listed is None else (listed.revision, listed.lines),
    )


def change_of(fact: Fact) -> MeetingChange:
    """The meeting change a MEETING fact holds."""
    _, network, meeting, day, status, new_day, new_status, listed = fact
    return MeetingChange(
        network,
        meeting,
        dt.date.fromordinal(day),
        status,
        None if new_day is None else dt.date.fromordinal(new_day),
        new_status,
        None if listed is None else ListFact(meeting, listed[0], listed[1]),
    )


@dataclass
class Ledger:
    """The facts folded: the sources, and apart from them what finance decided and paid.

    It folds facts (kn_rules.audit_ledger), so a replay can fold the facts of each network
    apart, with the GLOBAL ones (rate tables, closes) shared, and get the same figures."""

    scheme: Scheme
    inputs: InputsBook = field(default_factory=InputsBook)
    rates: RateBook = field(default_factory=RateBook)
    pools: dict[str | None, PoolBook] = field(default_factory=dict)
    closed: dict[int, dt.date] = field(default_factory=dict)
    # (network, invoice) -> finance's last (status, approved, not covered)
    decided: dict[tuple[str | None, str], tuple[str, int, int]] = field(default_factory=dict)
    paid: dict[str, int] = field(default_factory=dict)  # thing -> sum of its payout events
    facts: int = 0  # events folded in

    def apply(self, event: Event) -> None:
        """Fold one admitted event (any other type is ignored)."""
        self.facts += 1
        found = fact_of(event)
        if found is not None:
            self.fold(found[1])

    def fold(self, fact: Fact) -> None:
        """Fold one fact."""
        kind = fact[0]
        if kind == MEETING:
            self.inputs.meeting(change_of(fact))
        elif kind == NETWORK:
            self.inputs.named(fact[1], fact[2])
        elif kind == DECIDED:
            self.decided[(fact[1], fact[2])] = (fact[3], fact[4], fact[5])
        elif kind == PAID:
            self.paid[fact[1]] = self.paid.get(fact[1], 0) + fact[2]
        elif kind == CLOSED:
            self.closed.setdefault(fact[1], dt.date.fromordinal(fact[2]))
        elif kind == EVENT:
            self._whole(fact[1])

    def _whole(self, event: Event) -> None:
        if self.inputs.apply(event):  # a coordinator act
            return
        if isinstance(event, fi.RateTablePublished):
            if event.scheme == self.scheme.scheme:
                self.rates.apply(event)
        elif isinstance(event, fi.InvoiceReceived | fi.InvoiceOverridden | fi.InvoiceMeetingNamed):
            # an override (or a named meeting) of an invoice this replay never received is
            # finance's to explain
            book = self.pools.setdefault(event.network_id, PoolBook())
            if isinstance(event, fi.InvoiceReceived) or event.invoice_id in book.invoices:
                book.apply(event)

    def network_ids(self) -> list[str]:
        """The networks with figures to give, sorted (NO_NETWORK for invoices naming none)."""
        ids = set(self.inputs.networks) | {n for n in self.pools if n is not None}
        orphans = self.pools.get(None)
        if orphans is not None and orphans.invoices:
            ids.add(NO_NETWORK)
        return sorted(ids)
