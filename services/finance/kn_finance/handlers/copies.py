"""One supplier invoice kept in two accounts (Pool payouts 7): what each copy's view says
of the other.

The copy registered second names the first (`duplicate_of`, found at registration under
the append lock) and is rejected as a duplicate for as long as it names it, also when the
first is rejected later: each network's decisions follow from its own account and inputs
only (so the audit replays a network on its own), and money moves from one account's copy
to another's only by an EKM clerk's decision. The views say when that decision is due: the
second copy says its first is rejected now, and the first lists the copies that name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kn_finance.domain.commands import named, not_a_copy, possible_copies_among, status_of
from kn_finance.handlers.streams import pool_book
from kn_rules.checks import number_key
from kn_rules.pool import NO_NETWORK, Invoice, PoolBook
from kn_servicekit.access import coordinated_network
from kn_servicekit.eventstore import EventStore


def shown_to(actor: str) -> bool:
    """EKM and auditors see the copies; a coordinator reads their own network only."""
    return coordinated_network(actor) is None


class Copies:
    """The pool books read for one answer, each once (or given: the command's, read under
    the append lock)."""

    def __init__(self, store: EventStore, books: dict[str | None, PoolBook] | None = None) -> None:
        self._store = store
        self._books: dict[str | None, PoolBook] = dict(books or {})
        self._index: dict[str, list[Invoice]] | None = None

    async def book(self, network_id: str | None) -> PoolBook:
        if network_id not in self._books:
            self._books[network_id] = await pool_book(self._store, network_id)
        return self._books[network_id]

    async def earlier(self, invoice: Invoice) -> dict[str, Any] | None:
        """The copy this one was registered as a duplicate of, and its status now."""
        first = invoice.received.duplicate_of
        if first is None:
            return None
        network, _, invoice_id = first.partition("/")
        book = await self.book(None if network == NO_NETWORK else network)
        other = book.invoices.get(invoice_id)
        status = "unknown" if other is None else status_of(other)
        found: dict[str, Any] = {"invoice": first, "status": status}
        if status == "rejected":
            found["note"] = (
                f"{first} is rejected now; this copy stays rejected as its duplicate until "
                "EKM approves it with a reason, if it is the one to pay (EKM rejects the "
                "first itself before)"
            )
        return found

    async def later(
        self, network_id: str | None, invoice: Invoice, accounts: Sequence[str | None]
    ) -> list[dict[str, Any]]:
        """The copies in the other accounts registered as duplicates of this one."""
        me = named(invoice)
        found = []
        for other in accounts:
            if other == network_id:
                continue
            for copy in (await self.book(other)).in_order_received():
                if copy.received.duplicate_of == me:
                    found.append({"invoice": named(copy), "status": status_of(copy)})
        return found

    async def possible(
        self, network_id: str | None, invoice: Invoice, accounts: Sequence[str | None]
    ) -> list[dict[str, Any]]:
        """The invoice's possible copies in every account, found now
        (`possible_copies_among`; all of one number): each with its status, its supplier,
        amount and day as registered, and whether EKM said the two are different
        suppliers' invoices."""
        index = await self._by_number([network_id, *accounts])
        candidates = index.get(number_key(invoice.received), [])
        return [
            {
                "invoice": named(c),
                "status": status_of(c),
                "supplier_name": c.received.supplier_name,
                "supplier_cvr": c.received.supplier_cvr,
                "amount": c.received.amount,
                "meeting_date": c.received.meeting_date.isoformat()
                if c.received.meeting_date
                else None,
                "not_a_copy": not_a_copy(invoice, c),
            }
            for c in possible_copies_among(invoice, candidates)
        ]

    async def _by_number(self, accounts: Sequence[str | None]) -> dict[str, list[Invoice]]:
        """Every invoice of the accounts by its number (letters and digits), built once for
        an answer: a page of invoices then compares each with its own number's only."""
        if self._index is None:
            self._index = {}
            for n in dict.fromkeys(accounts):
                for i in (await self.book(n)).in_order_received():
                    self._index.setdefault(number_key(i.received), []).append(i)
        return self._index

    async def view(
        self,
        network_id: str | None,
        invoice: Invoice,
        base: dict[str, Any],
        accounts: Sequence[str | None] | None = None,
    ) -> dict[str, Any]:
        """An invoice's view with its earlier copy and (given the accounts) its later ones."""
        view = dict(base)
        earlier = await self.earlier(invoice)
        if earlier is not None:
            view["earlier_copy"] = earlier
        if accounts is not None:
            view["later_copies"] = await self.later(network_id, invoice, accounts)
            possible = await self.possible(network_id, invoice, accounts)
            if possible:
                view["possible_copies"] = possible
        return view
