"""What finance answers people: an invoice and why, a meeting's entitlement, the fee so far."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.money import kroner_text
from kn_finance.domain.fee import FeeAccount
from kn_rules.decide import decide
from kn_rules.errors import CAP, FEE, INVOICE, Invalid, NotFound
from kn_rules.fee import fee_lines
from kn_rules.inputs import NetworkInputs, counted
from kn_rules.pool import Invoice, PoolBook
from kn_rules.rates import RateBook
from kn_rules.scheme import Scheme


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    """An invoice, its latest decision with every reason, and what was paid for it."""
    received, decision = invoice.received, invoice.decision
    view: dict[str, Any] = {
        "invoice_id": received.invoice_id,
        "network_id": received.network_id,
        "supplier_name": received.supplier_name,
        "supplier_cvr": received.supplier_cvr,
        "supplier_invoice_number": received.supplier_invoice_number,
        "cost_kind": received.cost_kind,
        "amount": received.amount,
        "amount_text": kroner_text(received.amount),
        "received_date": received.received_date.isoformat(),
        "due_date": received.due_date.isoformat(),
        "meeting_date": received.meeting_date.isoformat() if received.meeting_date else None,
        # the meeting the invoice names by id (at registration, or EKM's since), if any
        "named_meeting_id": invoice.as_checked.meeting_id,
        "status": decision.status if decision else "received",
        "paid": invoice.paid,
        "overrides": [{"decision": o.decision, "reason": o.reason} for o in invoice.overrides],
    }
    if invoice.named is not None:
        view["meeting_named_by_ekm"] = {
            "meeting_id": invoice.named.meeting_id,
            "reason": invoice.named.reason,
        }
    if decision is not None:
        view |= decision.model_dump(
            mode="json",
            include={
                "reasons",
                "meeting_id",
                "list_revision",
                "rate_scheme",
                "rate_year",
                "rate_revision",
                "rate_indexed_on",
                "counted",
                "entitlement",
                "approved",
                "not_covered",
                "overridden",
            },
        )
        view["approved_text"] = kroner_text(decision.approved)
        view["not_covered_text"] = kroner_text(decision.not_covered)
    return view


def meeting_choices(view: dict[str, Any], inputs: NetworkInputs) -> dict[str, Any]:
    """An invoice rejected because two meetings share its date, with those meetings: what
    EKM chooses from when it names the meeting (Pool payouts 3)."""
    if not any(r.get("code") == "meeting_ambiguous" for r in view.get("reasons", [])):
        return view
    day = dt.date.fromisoformat(view["meeting_date"])
    return view | {
        "meeting_choices": [
            {"meeting_id": m.meeting_id, "date": m.date.isoformat(), "status": m.status}
            for m in inputs.meetings_on(day)
            if m.status != "cancelled"
        ]
    }


def entitlement(
    book: PoolBook, inputs: NetworkInputs, rates: RateBook, scheme: Scheme, meeting_id: str
) -> dict[str, Any]:
    """A meeting's entitlement from its latest list (Pool payouts 2, 3) and its use so far."""
    meeting = next((m for m in inputs.meetings if m.meeting_id == meeting_id), None)
    if meeting is None:
        raise NotFound(INVOICE, f"finance knows no meeting {meeting_id} of {inputs.network_id}")
    listed = inputs.lists.get(meeting_id)
    if meeting.status != "held" or listed is None:
        raise Invalid(
            CAP,
            f"meeting {meeting_id} is {meeting.status} and its attendance list "
            "has not arrived: the entitlement follows from the list",
        )
    year = rates.resolve(meeting.date.year)
    heads = counted(listed.lines, year)
    total = year.pool[year.default_tier] * heads
    used = sum(
        o.approved
        for o in decide(book, inputs, rates, scheme)
        if o.meeting_id == meeting_id and o.status == "approved"
    )
    return {
        "network_id": inputs.network_id,
        "meeting_id": meeting_id,
        "meeting_date": meeting.date.isoformat(),
        "list_revision": listed.revision,
        "counted": heads,
        "counted_categories": sorted(year.counted),
        "basis": year.basis,
        "rate": year.pool[year.default_tier],
        "rate_scheme": year.scheme,
        "rate_year": year.year,
        "rate_revision": year.revision,
        "rate_indexed_on": [{"year": r.year, "revision": r.revision} for r in year.indexed_on],
        "entitlement": total,
        "entitlement_text": kroner_text(total),
        "approved": used,
        "left": max(total - used, 0),
    }


def fee_view(
    inputs: NetworkInputs,
    year: int,
    rates: RateBook,
    closed: dt.date | None,
    accounts: FeeAccount,
    as_of: dt.date,
) -> dict[str, Any]:
    """Months and fee per person in a year: a preview up to `as_of` until the year is
    closed, then the whole year and what was published (Coordinator 2-5, Pool payouts 9)."""
    if inputs.name is None:
        raise NotFound(FEE, f"finance knows no network {inputs.network_id}")
    table = rates.resolve(year)
    upto = None if closed else min(as_of, dt.date(year, 12, 31))
    lines = fee_lines(inputs.roles, year, table, upto)
    return {
        "network_id": inputs.network_id,
        "year": year,
        "status": "closed" if closed else "preview",
        "closed_on": closed.isoformat() if closed else None,
        "as_of": (upto or dt.date(year, 12, 31)).isoformat(),
        "yearly_amount": table.coordinator_fee,
        "rate_revision": table.revision,
        "rate_indexed_on": [{"year": r.year, "revision": r.revision} for r in table.indexed_on],
        "payees": [
            {
                "person_id": line.person_id,
                "name": line.name,
                "months_served": line.served,
                "months_paid": line.paid,
                "amount": line.amount,
                "amount_text": kroner_text(line.amount),
                "published": accounts.payees[line.person_id].total
                if line.person_id in accounts.payees
                else None,
            }
            for line in lines
        ],
        "changes": [
            {"from": s.start.isoformat(), "change": s.change, "holders": [p for p, _ in s.holders]}
            for s in inputs.roles.spells
            if s.start.year == year
        ],
    }
