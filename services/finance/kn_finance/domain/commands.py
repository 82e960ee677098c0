"""What EKM and coordinators ask of finance, decided in pure code (load -> decide -> append
happens in the handlers). Each refusal names its rule and what to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from kn_contracts.events.finance import (
    Basis,
    BookingNotified,
    CoordinatorFeeYearClosed,
    InvoiceMeetingNamed,
    InvoiceOverridden,
    InvoiceReceived,
    RateAmounts,
    RateTablePublished,
)
from kn_contracts.events.meetings import AttendeeCategory
from kn_finance.domain.fee import FeeYears
from kn_rules.checks import near_copy, same_supplier_invoice
from kn_rules.errors import CHECKS, CLOSE, INVOICE, RATES, Conflict, Invalid, NotFound
from kn_rules.inputs import MeetingFact
from kn_rules.pool import NO_NETWORK, Invoice, PoolBook
from kn_rules.rates import RateBook
from kn_rules.scheme import Scheme
from kn_servicekit.access import EKM, may_act
from kn_servicekit.cause import Cause
from kn_servicekit.errors import AccessDenied


@dataclass(frozen=True)
class PublishRates:
    """EKM's rate table for a year: amounts, or an index factor on another year's table."""

    year: int
    price_level_year: int
    amounts: RateAmounts | None
    index_factor: Decimal | None
    index_base_year: int | None
    counted_categories: tuple[AttendeeCategory, ...] | None
    basis: Basis | None
    reason: str | None


def paid_tiers(books: Sequence[PoolBook]) -> dict[int, dict[str, list[str]]]:
    """Rate year -> tier -> the invoices paid at that named tier (for publish_rates)."""
    found: dict[int, dict[str, list[str]]] = {}
    for book in books:
        for invoice in book.invoices.values():
            decision, tier = invoice.decision, invoice.received.tier
            if invoice.paid and tier is not None and decision and decision.rate_year:
                found.setdefault(decision.rate_year, {}).setdefault(tier, []).append(
                    invoice.invoice_id
                )
    return found


def publish_rates(
    book: RateBook,
    cmd: PublishRates,
    scheme: Scheme,
    cause: Cause,
    paid: Mapping[int, Mapping[str, Sequence[str]]] | None = None,
) -> list[RateTablePublished]:
    """The next revision of the year's table (Pool payouts 5, 6); it must resolve, and keep
    every tier an invoice was paid at (in its year, or a year indexed on it): a revision
    changes a tier's amount, and the difference is adjusted (rule 8); removing the tier
    would take back what was paid for a tier nobody abolished. `paid` is paid_tiers'."""
    _ekm(cause, "publishes rate tables")
    if cmd.index_base_year is not None and book.latest(cmd.index_base_year) is None:
        raise Invalid(
            RATES,
            f"no rate table for {cmd.index_base_year} to index from: publish "
            "that year's amounts first",
        )
    if cmd.index_base_year == cmd.year:
        raise Invalid(RATES, f"the table for {cmd.year} cannot index on itself")
    try:
        table = RateTablePublished(
            **cause.stamp(cause.today),
            scheme=scheme.scheme,
            year=cmd.year,
            revision=book.next_revision(cmd.year),
            price_level_year=cmd.price_level_year,
            amounts=cmd.amounts,
            index_factor=cmd.index_factor,
            index_base_year=cmd.index_base_year,
            counted_categories=cmd.counted_categories or scheme.counted_categories,
            basis=cmd.basis or scheme.basis,
            reason=cmd.reason,
        )
    except ValueError as exc:  # pydantic's, from the table's own invariants
        raise Invalid(RATES, _first_error(exc)) from None
    _keeps_paid_tiers(book, table, paid or {})
    return [table]


def _keeps_paid_tiers(
    book: RateBook, table: RateTablePublished, paid: Mapping[int, Mapping[str, Sequence[str]]]
) -> None:
    after = RateBook({year: list(tables) for year, tables in book.tables.items()})
    after.apply(table)
    for year, tiers in sorted(paid.items()):
        resolved = after.find(year)
        for tier, invoices in sorted(tiers.items()):
            if resolved is not None and tier not in resolved.pool:
                which = ", ".join(sorted(invoices))
                paid_at = f"invoice {which} was" if len(invoices) == 1 else f"invoices {which} were"
                raise Invalid(
                    RATES,
                    f"the rates for {year} would lose tier {tier}, at which {paid_at} paid: "
                    "keep the tier in the revision (give it the corrected amount)",
                )


def register_invoice(
    book: PoolBook,
    invoice: dict[str, Any],
    scheme: Scheme,
    cause: Cause,
    elsewhere: Sequence[PoolBook] = (),
    meetings: Sequence[MeetingFact] | None = None,
) -> list[InvoiceReceived]:
    """Keep an invoice whatever it breaks (Pool payouts 4): the checks decide it later. An
    invoice already registered in another account (`elsewhere`: the other networks' books)
    is kept with duplicate_of naming it, so its own account rejects it (rule 7); a possible
    copy of one registered before (`possible_copies_among`), with possible_copy_of naming
    it, so its account rejects it until EKM decides."""
    _ekm(cause, "registers invoices")
    if invoice["invoice_id"] in book.invoices:
        raise Conflict(
            INVOICE,
            f"invoice {invoice['invoice_id']} is registered already; do not register it "
            f"again: GET /v1/networks/{invoice['network_id'] or NO_NETWORK}/invoices/"
            f"{invoice['invoice_id']} shows its decision",
        )
    if invoice["cost_kind"] not in scheme.cost_kinds:
        kinds = ", ".join(sorted(scheme.cost_kinds))
        raise Invalid(
            INVOICE,
            f"cost_kind {invoice['cost_kind']!r} is not paid by scheme "
            f"{scheme.scheme}: use one of {kinds}",
        )
    if invoice.get("meeting_id") is not None:
        _on_its_date(invoice, meetings)
    received = InvoiceReceived(**cause.stamp(invoice["received_date"]), **invoice)
    # a copy elsewhere whatever its status: one rejected now may be approved later (its
    # meeting arrives, EKM names it), and this one then stays its duplicate (copies.py)
    found = copies_in(received, elsewhere)
    # the original before a copy of it, and one standing before one rejected now
    found.sort(key=lambda c: (c.received.duplicate_of is not None, status_of(c) == "rejected"))
    first = next((named(c) for c in found), None)
    # a possible copy in this account or another, whatever its status (EKM may approve a
    # rejected one again), one of the invoice itself before one found through its copies
    every = [i for b in (book, *elsewhere) for i in b.in_order_received()]
    found_near = possible_copies_among(Invoice(received, len(book.invoices)), every)
    near = named(found_near[0]) if found_near else None
    if first is None and near is None:
        return [received]
    return [received.model_copy(update={"duplicate_of": first, "possible_copy_of": near})]


def _on_its_date(invoice: dict[str, Any], meetings: Sequence[MeetingFact] | None) -> None:
    """A meeting named at registration is one of the network's on the invoice's date (a
    typo would draw on another meeting's entitlement); a moved one EKM names later."""
    if meetings is None:
        return
    day, meeting_id = invoice["meeting_date"], invoice["meeting_id"]
    found = next((m for m in meetings if m.meeting_id == meeting_id), None)
    if found is None or found.date != day:
        on_day = ", ".join(m.meeting_id for m in meetings if m.date == day) or "none"
        where = "finance knows no such meeting" if found is None else f"it is on {found.date}"
        raise Invalid(
            INVOICE,
            f"meeting_id {meeting_id}: {where}; the network's meetings on "
            f"{day.isoformat() if day else 'no date'}: {on_day}",
        )


def copies_in(
    received: InvoiceReceived,
    books: Sequence[PoolBook],
    same: Callable[[InvoiceReceived, InvoiceReceived], bool] = same_supplier_invoice,
) -> list[Invoice]:
    """The same supplier invoice in the books (Pool payouts 7), but for the invoice itself
    and those naming no network (no pool pays those); `same` says what is the same."""
    return copies_among(received, (i for book in books for i in book.in_order_received()), same)


def copies_among(
    received: InvoiceReceived,
    candidates: Iterable[Invoice],
    same: Callable[[InvoiceReceived, InvoiceReceived], bool] = same_supplier_invoice,
) -> list[Invoice]:
    """`copies_in` over given invoices (a view's index of every account by number)."""
    return [
        other
        for other in candidates
        if other.received is not received
        and other.received.network_id is not None
        and same(other.received, received)
    ]


def status_of(invoice: Invoice) -> str:
    return invoice.decision.status if invoice.decision is not None else "received"


def named(invoice: Invoice) -> str:
    """How a copy names another: `network/invoice id` (`_none/...`: it names no network)."""
    return f"{invoice.received.network_id or NO_NETWORK}/{invoice.invoice_id}"


def paid_once(
    invoice: Invoice,
    book: PoolBook,
    elsewhere: Sequence[PoolBook],
    approving: bool,
    not_copy_of: Sequence[str] = (),
) -> None:
    """What EKM does that may approve an invoice keeps a supplier invoice paid once, in its
    account and across accounts (Pool payouts 7; each account decides alone):
    - not while another copy is approved, or approved by EKM (it may be waiting for its list
      or its rate table, and then be approved without anyone acting);
    - a later copy (a duplicate of one elsewhere, or after one in its own account) only once
      EKM itself rejected every other copy: one rejected by the checks alone may pass them
      later and be paid too."""
    copies = copies_in(invoice.received, [book, *elsewhere])
    standing = [
        named(c) for c in copies if status_of(c) == "approved" or c.ekm_decision == "approve"
    ]
    if standing:
        which = "each" if len(standing) > 1 else "that one"
        raise Conflict(
            CHECKS,
            f"the same supplier invoice is approved, or approved by EKM, as "
            f"{', '.join(standing)}: EKM rejects {which} first, so it is paid once",
        )
    order = {i.invoice_id: n for n, i in enumerate(book.in_order_received())}
    earlier_here = any(
        book.invoices.get(c.invoice_id) is c and order[c.invoice_id] < order[invoice.invoice_id]
        for c in copies
    )
    if approving and (invoice.received.duplicate_of is not None or earlier_here):
        open_ = [named(c) for c in copies if c.ekm_decision != "reject"]
        if open_:
            which = "each" if len(open_) > 1 else "it"
            raise Conflict(
                CHECKS,
                f"{invoice.invoice_id} is a later copy of {', '.join(open_)}, which EKM has "
                f"not rejected (rejected by the checks only, a copy may pass them later and "
                f"be paid too): EKM rejects {which} first, with a reason, then approves this one",
            )
    _paid_once_near(invoice, [book, *elsewhere], approving, frozenset(not_copy_of))


def possible_copies(invoice: Invoice, books: Sequence[PoolBook]) -> list[Invoice]:
    """The invoice's possible copies in `books`, found now, whether or not registration
    named them (`possible_copies_among` over every invoice of the books)."""
    return possible_copies_among(invoice, [i for book in books for i in book.in_order_received()])


def possible_copies_among(invoice: Invoice, candidates: Sequence[Invoice]) -> list[Invoice]:
    """The invoice's possible copies among `candidates` (rule 7): the invoices of its
    number for the same day or payee from a supplier named otherwise, of it or of one of
    its exact copies, each with its own exact copies (one supplier invoice, whatever its
    amount, day or payee). The guard, the 409's list, `not_copy_of` and the views all read
    this one list, so whatever a 409 names EKM can name."""
    mine = [invoice, *copies_among(invoice.received, candidates)]
    seen = {id(m) for m in mine}
    found: list[Invoice] = []
    for m in mine:
        for c in copies_among(m.received, candidates, near_copy):
            for g in [c, *copies_among(c.received, candidates)]:
                if id(g) not in seen:
                    seen.add(id(g))
                    found.append(g)
    return found


def not_a_copy(one: Invoice, other: Invoice, declared: frozenset[str] = frozenset()) -> bool:
    """EKM said the two are different suppliers' invoices (in an approval of either, or in
    `declared`, the approval being made of `one`)."""
    if named(other) in (one.not_copy_of | declared):
        return True
    # the other's statement holds while EKM has not rejected this one since: a rejection of
    # either invoice withdraws what EKM said of the pair
    return named(one) in other.not_copy_of and one.ekm_decision != "reject"


def _paid_once_near(
    invoice: Invoice, books: Sequence[PoolBook], approving: bool, declared: frozenset[str]
) -> None:
    """The same for possible copies, pair by pair: of two invoices EKM has not said are
    different suppliers', at most one is paid. EKM may not approve one, or name its meeting,
    while the other is approved or approved by EKM; nor approve one while the other may be
    approved by the checks alone (it names no earlier copy and EKM has not rejected it): a
    possible copy registered second is rejected by the checks until EKM approves it, so
    naming its meeting pays nothing (the approval checks it)."""
    if not approving and invoice.received.possible_copy_of is not None:
        return
    open_pairs = [
        c for c in possible_copies(invoice, books) if not not_a_copy(invoice, c, declared)
    ]
    standing = [
        named(c) for c in open_pairs if status_of(c) == "approved" or c.ekm_decision == "approve"
    ]
    if standing:
        raise Conflict(
            CHECKS,
            f"{invoice.invoice_id} may be a copy of {', '.join(standing)} (its number, or an "
            "exact copy's, for the same day or payee, the supplier named otherwise), which is "
            "approved or approved by EKM: if it is a copy, EKM rejects this one (or the other "
            "first, if this one is to be paid); if they are different suppliers' invoices, EKM "
            "approves this one naming the other in not_copy_of",
        )
    if not approving:
        return
    payable = [
        named(c)
        for c in open_pairs
        if c.ekm_decision != "reject"
        and c.received.possible_copy_of is None
        and c.received.duplicate_of is None
    ]
    if payable:
        raise Conflict(
            CHECKS,
            f"{invoice.invoice_id} may be a copy of {', '.join(payable)} (its number, or an "
            "exact copy's, for the same day or payee, the supplier named otherwise), which the "
            "checks may approve (EKM has not rejected it): if it is a copy, EKM rejects this "
            "one (or the other first, if this one is to be paid); if they are different "
            "suppliers' invoices, EKM approves this one naming the other in not_copy_of",
        )


def notify_booking(
    book: PoolBook, booking: dict[str, Any], scheme: Scheme, cause: Cause
) -> list[BookingNotified]:
    """A coordinator tells EKM what was booked for a meeting (seed 001, the procedure)."""
    may_act(cause.actor, booking["network_id"])
    if booking["booking_id"] in book.bookings:
        raise Conflict(INVOICE, f"booking {booking['booking_id']} was notified already")
    unknown = sorted(set(booking["cost_kinds"]) - scheme.cost_kinds)
    if unknown:
        raise Invalid(INVOICE, f"cost_kinds {unknown} are not paid by scheme {scheme.scheme}")
    return [BookingNotified(**cause.stamp(cause.today), **booking)]


def override_invoice(
    book: PoolBook,
    invoice_id: str,
    decision: Literal["approve", "reject"],
    reason: str,
    amount: int | None,
    cause: Cause,
    elsewhere: Sequence[PoolBook] = (),
    not_copy_of: Sequence[str] = (),
) -> list[InvoiceOverridden]:
    """EKM approves a rejected invoice or rejects an approved one, with a reason (rule 7);
    an approval keeps the supplier invoice paid once (`elsewhere`: the other accounts)."""
    _ekm(cause, "overrides invoice decisions")
    invoice = book.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound(CHECKS, f"no invoice {invoice_id} in this network's account")
    if decision == "approve" and invoice.received.network_id is None:
        raise Invalid(
            INVOICE,
            f"invoice {invoice_id} names no network, so no pool can pay it; "
            "register it again with the network",
        )
    if decision == "reject" and amount is not None:
        raise Invalid(CHECKS, "approved_amount goes with decision 'approve' only")
    if not_copy_of:
        _other_suppliers(invoice, [book, *elsewhere], decision, not_copy_of)
    if decision == "approve":
        paid_once(invoice, book, elsewhere, approving=True, not_copy_of=not_copy_of)
    return [
        InvoiceOverridden(
            **cause.stamp(cause.today),
            invoice_id=invoice_id,
            network_id=invoice.received.network_id,
            decision=decision,
            reason=reason,
            approved_amount=amount,
            not_copy_of=tuple(dict.fromkeys(not_copy_of)),
        )
    ]


def _other_suppliers(
    invoice: Invoice, books: Sequence[PoolBook], decision: str, not_copy_of: Sequence[str]
) -> None:
    """`not_copy_of` names possible copies of an approved invoice, each one its view lists."""
    if decision != "approve":
        raise Invalid(CHECKS, "not_copy_of goes with decision 'approve' only")
    listed = {named(c) for c in possible_copies(invoice, books)}
    unknown = [n for n in not_copy_of if n not in listed]
    if unknown:
        raise Invalid(
            CHECKS,
            f"not_copy_of: {', '.join(unknown)} is no possible copy of {invoice.invoice_id} "
            f"(an invoice of its number for its day or payee from a supplier named otherwise); its "
            f"possible copies: {', '.join(sorted(listed)) or 'none'}",
        )


def name_meeting(
    book: PoolBook,
    invoice_id: str,
    meeting_id: str,
    reason: str,
    meetings: Sequence[MeetingFact],
    cause: Cause,
    elsewhere: Sequence[PoolBook] = (),
) -> list[InvoiceMeetingNamed]:
    """EKM names the meeting an invoice is for, with a reason (Pool payouts 3): where two
    meetings share its date, or its meeting moved. Only a meeting finance knows of the
    invoice's network; the checks then decide the invoice against it."""
    _ekm(cause, "names an invoice's meeting")
    invoice = book.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound(CHECKS, f"no invoice {invoice_id} in this network's account")
    network = invoice.received.network_id
    if network is None:
        raise Invalid(
            INVOICE,
            f"invoice {invoice_id} names no network, so it has no meeting to name; "
            "register it again with the network",
        )
    day = invoice.received.meeting_date
    if day is None:
        raise Invalid(
            INVOICE,
            f"invoice {invoice_id} names no meeting date, and stays rejected for it; "
            "register it again with the meeting's date",
        )
    found = next((m for m in meetings if m.meeting_id == meeting_id), None)
    if found is None or found.date.year != day.year:
        of_year = [m for m in meetings if m.date.year == day.year]
        known = ", ".join(f"{m.meeting_id} ({m.date.isoformat()})" for m in of_year) or "none"
        raise Invalid(
            INVOICE,
            f"finance knows no meeting {meeting_id} of {network} in {day.year}, the year "
            f"of the invoice's date; its meetings that year: {known}",
        )
    if found.status == "cancelled":
        raise Invalid(INVOICE, f"meeting {meeting_id} was cancelled: no pool pays for it")
    paid_once(invoice, book, elsewhere, approving=False)
    return [
        InvoiceMeetingNamed(
            **cause.stamp(cause.today),
            invoice_id=invoice_id,
            network_id=network,
            meeting_id=meeting_id,
            reason=reason,
        )
    ]


def close_fee_year(
    years: FeeYears, year: int, rates: RateBook, scheme: Scheme, cause: Cause
) -> list[CoordinatorFeeYearClosed]:
    """EKM closes a year for the coordinator fee, from January of the next (rule 9)."""
    _ekm(cause, "closes a year for the coordinator fee")
    opens = scheme.closable_from(year)
    if cause.today < opens:
        raise Invalid(
            CLOSE, f"{year} can be closed from {opens.isoformat()}; until then the fee is a preview"
        )
    if year in years.closed:
        raise Conflict(
            CLOSE,
            f"{year} was closed on {years.closed[year].isoformat()}; later "
            "changes are published as adjustments",
        )
    rates.resolve(year)  # a year without a rate table cannot be paid
    return [CoordinatorFeeYearClosed(**cause.stamp(cause.today), year=year)]


def _ekm(cause: Cause, what: str) -> None:
    if cause.actor != EKM:
        raise AccessDenied(CHECKS, f"only EKM {what}; you are {cause.actor}")


def _first_error(exc: ValueError) -> str:
    """A validation error's messages, without the library's links."""
    errors = getattr(exc, "errors", None)  # pydantic's ValidationError is a ValueError
    if callable(errors):
        return "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in errors())
    return str(exc)
