"""The invoice checks (DOMAIN Pool payouts 4, 7): every check runs and every failure is a
reason; a reason to wait (no meeting held or list yet, no rate table) is not a rejection."""

from __future__ import annotations

from dataclasses import dataclass, field

from kn_contracts.events.finance import InvoiceReceived, Reason, payee_problem
from kn_rules.inputs import ListFact, MeetingFact, NetworkInputs
from kn_rules.pool import NO_NETWORK
from kn_rules.rates import RateBook, Rates
from kn_rules.scheme import Scheme
from kn_rules.text import day_text

RULE_4 = "Pool payouts 4"
RULE_5 = "Pool payouts 5"
RULE_7 = "Pool payouts 7"


@dataclass
class Checked:
    """An invoice after the checks: why it is rejected, why it waits, what it is for."""

    rejections: list[Reason] = field(default_factory=list)
    waits: list[Reason] = field(default_factory=list)
    meeting: MeetingFact | None = None
    attendance: ListFact | None = None
    rates: Rates | None = None

    def reject(self, code: str, text: str, rule: str = RULE_7) -> None:
        self.rejections.append(Reason(rule=rule, code=code, text=text))

    def wait(self, code: str, text: str, rule: str = RULE_4) -> None:
        self.waits.append(Reason(rule=rule, code=code, text=text))


def number_key(invoice: InvoiceReceived) -> str:
    """The supplier's invoice number, letters and digits only: F-77, F 77, f77 are one."""
    return "".join(c for c in invoice.supplier_invoice_number if c.isalnum()).casefold()


def same_supplier_invoice(one: InvoiceReceived, other: InvoiceReceived) -> bool:
    """The same supplier invoice twice (rule 7): the same number, and the same CVR, or where
    either gives none, the same supplier name (two CVRs that differ are two suppliers)."""
    if number_key(one) != number_key(other):
        return False
    if one.supplier_cvr is not None and other.supplier_cvr is not None:
        return one.supplier_cvr == other.supplier_cvr
    return _name_key(one) == _name_key(other)


def near_copy(one: InvoiceReceived, other: InvoiceReceived) -> bool:
    """Perhaps the same supplier invoice, its supplier typed otherwise (a misspelt name, a
    mistyped CVR): the same number, for the same meeting day or to the same payee, from a
    supplier compared as another, whatever the amounts (a reminder adds a fee; rule 7 is
    "the same supplier invoice number twice"). Such a copy would be paid twice, so the one
    registered second is rejected until EKM decides; registration finds it
    (`possible_copy_of`), so an EKM approval of the second never turns the first into a
    copy of it. A copy for another day and to another payee is not found."""
    key = number_key(one)
    return (
        key != ""
        and key == number_key(other)
        and (one.meeting_date == other.meeting_date or _payee_key(one) == _payee_key(other))
        and not same_supplier_invoice(one, other)
    )


def _payee_key(invoice: InvoiceReceived) -> tuple[str, str]:
    """A payee as compared: its kind and the letters and digits of its reference
    (9570-0001234567, 9570 0001234567 and 95700001234567 are one account)."""
    ref = "".join(c for c in invoice.payee.reference if c.isalnum()).casefold()
    return (invoice.payee.kind, ref)


def _where(invoice: InvoiceReceived, other: str) -> str:
    """Another invoice (`network/invoice id`) as this invoice's reasons name it: by id in its
    own account; in another, only that it is there (the reasons reach its coordinator and
    annual status, and another network's invoices are EKM's to see: its view names them)."""
    network, _, invoice_id = other.partition("/")
    if network == (invoice.network_id or NO_NETWORK):
        return f"as {invoice_id}"
    return "in another network's account (EKM sees which)"


# Danish company forms, as a clerk may type them after a supplier's name or leave them out
_COMPANY_FORMS = frozenset({"as", "aps", "is", "ivs", "ks", "ps", "amba", "fmba", "smba"})


def _name_key(invoice: InvoiceReceived) -> str:
    """A supplier's name as compared: casefolded, letters and digits of each word, without a
    company form at its end ("Hotel Phønix A/S" and "hotel phønix" are one name)."""
    words = ["".join(c for c in w if c.isalnum()) for w in invoice.supplier_name.casefold().split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in _COMPANY_FORMS:
        words.pop()
    return " ".join(words)


def check(
    invoice: InvoiceReceived,
    inputs: NetworkInputs,
    rates: RateBook,
    scheme: Scheme,
    earlier: dict[str, list[InvoiceReceived]],
) -> Checked:
    """Run every check on one invoice; `earlier` holds the invoices of the account received
    before it (and not rejected), by number_key."""
    found = Checked()
    _network(invoice, inputs, found)
    _meeting(invoice, inputs, found)
    _coordinator(invoice, inputs, found)
    received, due = invoice.received_date, invoice.due_date
    if (due - received).days < scheme.due_days:
        found.reject(
            "due_too_soon",
            f"due {day_text(due)} is {(due - received).days} days "
            f"after receipt on {day_text(received)}; at least {scheme.due_days} "
            "are needed",
        )
    if invoice.payee.kind not in scheme.payee_kinds:
        found.reject(
            "payee_not_accepted",
            f"payee {invoice.payee.kind} is not a Danish account, giro number or NemKonto",
        )
    elif (problem := payee_problem(invoice.payee)) is not None:
        # entered since under these shapes; an invoice kept under an earlier rule is not
        # paid to a reference they refuse (Coordinator 8)
        found.reject("payee_reference", problem)
    before = earlier.get(number_key(invoice), [])
    first = next(
        (
            e.invoice_id
            for e in before
            if e.invoice_id != invoice.invoice_id and same_supplier_invoice(e, invoice)
        ),
        None,
    )
    if first is not None or invoice.duplicate_of is not None:
        where = f"as {first}" if first else _where(invoice, invoice.duplicate_of or "")
        found.reject(
            "duplicate",
            f"{invoice.supplier_name}'s invoice number "
            f"{invoice.supplier_invoice_number} was received before {where}",
        )
    if invoice.possible_copy_of is not None:  # found at registration, in any account
        found.reject(
            "possible_duplicate",
            f"invoice number {invoice.supplier_invoice_number} was registered before "
            f"{_where(invoice, invoice.possible_copy_of)} for the same day or payee, from a "
            "supplier with another name or CVR: it waits for EKM to tell whether it is a "
            "copy (if it is another supplier's invoice, EKM approves it naming the other as "
            "not a copy; if it is a copy, the one not to be paid is rejected)",
        )
    # the rates of the meeting's year (rule 3): a named meeting may have moved from the date
    year = (found.meeting.date if found.meeting else invoice.meeting_date or received).year
    found.rates = rates.find(year)
    if found.rates is None:
        found.wait("no_rate_table", f"no rate table for {year}", rule=RULE_5)
    elif invoice.tier is not None and invoice.tier not in found.rates.pool:
        found.wait(
            "tier_unknown", f"the rate table for {year} has no tier {invoice.tier}", rule=RULE_5
        )
    return found


def _network(invoice: InvoiceReceived, inputs: NetworkInputs, found: Checked) -> None:
    if invoice.network_id is None:
        found.reject("network_missing", "the invoice names no network")
    elif inputs.name is None:
        found.reject("network_unknown", f"no network {invoice.network_id} is known")


def _meeting(invoice: InvoiceReceived, inputs: NetworkInputs, found: Checked) -> None:
    if invoice.meeting_date is None:
        found.reject("meeting_date_missing", "the invoice names no meeting date")
        return
    if invoice.network_id is None or inputs.name is None:
        return
    when = day_text(invoice.meeting_date)
    if invoice.meeting_id is not None:  # named at registration, or by EKM since
        on_day = tuple(m for m in inputs.meetings if m.meeting_id == invoice.meeting_id)
        if not on_day:
            found.reject("no_meeting", f"{invoice.network_id} has no meeting {invoice.meeting_id}")
            return
    else:
        on_day = inputs.meetings_on(invoice.meeting_date)
    if not on_day:
        found.reject("no_meeting", f"{invoice.network_id} has no meeting on {when}")
        return
    not_cancelled = [m.meeting_id for m in on_day if m.status != "cancelled"]
    if len(not_cancelled) > 1:
        # the invoice names a meeting by its date (rule 3): with two that day, finance
        # never picks one of their entitlements for it
        found.reject(
            "meeting_ambiguous",
            f"{invoice.network_id} has {len(not_cancelled)} meetings on {when} "
            f"({', '.join(not_cancelled)}): EKM names the one it is for (POST "
            f"/v1/networks/{invoice.network_id}/invoices/{invoice.invoice_id}/meeting)",
        )
        return
    meeting = on_day[0]
    if meeting.date.year != invoice.meeting_date.year:
        # a meeting moved into another year: its money would be booked in the invoice's
        # year and its entitlement in the meeting's; the invoice names the year's meeting
        found.reject(
            "meeting_other_year",
            f"meeting {meeting.meeting_id} is on {day_text(meeting.date)}, in another year "
            f"than the invoice's date {when}: register it again with the meeting's date",
        )
        return
    found.meeting = meeting
    when = day_text(meeting.date)
    if meeting.status == "cancelled":
        found.reject("meeting_cancelled", f"the meeting on {when} was cancelled")
    elif meeting.status != "held":
        found.wait("meeting_not_held", f"the meeting on {when} is not held yet")
    else:
        found.attendance = inputs.lists.get(meeting.meeting_id)
        if found.attendance is None:
            found.wait("no_attendance_list", f"the attendance list of {when} has not arrived")


def _coordinator(invoice: InvoiceReceived, inputs: NetworkInputs, found: Checked) -> None:
    name = (invoice.coordinator_name or "").strip()
    if not name:
        found.reject("coordinator_missing", "the invoice names no coordinator")
        return
    if invoice.meeting_date is None or invoice.network_id is None or inputs.name is None:
        return
    # a holder on the meeting's day: the named meeting's, which may have moved from the date
    day = found.meeting.date if found.meeting else invoice.meeting_date
    spell = inputs.roles.on(day)
    holders = [holder for _, holder in spell.holders] if spell else []
    if name.casefold() not in {holder.casefold() for holder in holders}:
        who = ", ".join(holders) or "nobody"
        found.reject(
            "coordinator_not_holder",
            f"{name} was not coordinator of {invoice.network_id} on {day_text(day)} "
            f"(coordinator: {who})",
        )
