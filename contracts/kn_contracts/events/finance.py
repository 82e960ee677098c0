"""Events owned by the finance service: its facts and decisions (topic kn.finance.events).

Money is integer øre. Every invoice is kept, whatever it breaks; a decision names every
reason and the inputs it was taken on (meeting, list revision, rate table and revision), so
anyone can see why an amount is what it is. The payouts EKM's finance system consumes are
in kn_contracts.events.payouts.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kn_contracts.base import Event
from kn_contracts.cpr import CPR_REFUSED, looks_like_cpr
from kn_contracts.events.meetings import AttendeeCategory
from kn_contracts.money import Ore
from kn_contracts.values import Identifier

PayeeKind = Literal["danish_account", "giro", "nemkonto", "other"]
Year = Annotated[int, Field(ge=2000, le=2100, description="A calendar year.")]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Cvr = Annotated[str, Field(pattern=r"^[0-9]{8}$", description="A Danish CVR number.")]
Basis = Literal["person", "ydernummer"]
InvoiceStatus = Literal["waiting", "approved", "rejected"]


class Payee(BaseModel):
    """Where an invoice is paid: a reference of a known shape per kind, and never a CPR
    number (Coordinator 8), so a NemKonto payee is a token, not the person's CPR number.

    Shapes: danish_account, registration number and account number (4 digits, then 6-10,
    a dash or space between allowed: 9570-0001234567); giro, a payment line
    +KK<payment id +creditor< with card type 01, 04, 15, 71, 73 or 75 (+71<123456789012345
    +12345678<), or a bare giro account number of 7-8 digits; nemkonto, an opaque token
    nk_ and at least 8 letters or digits (nk_a1B2c3D4); other, anything (rejected by the
    checks). In every kind, a ten-digit number DDMMYY-NNNN with a valid date (with or
    without a dash, space or dot) is refused wherever it stands.

    Finance refuses a reference breaking these (`payee_problem`) where it is entered; the
    event itself takes any reference of 1-64 characters, so an event stored under an
    earlier rule still loads (finance's checks then reject that invoice, with the reason)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PayeeKind
    reference: str = Field(
        min_length=1,
        max_length=64,
        description="Registration + account number, a giro payment line or number, or an "
        "opaque NemKonto token (nk_...); never a CPR number.",
    )


_PAYEE_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "danish_account": (
        re.compile(r"\d{4}[- ]?\d{6,10}"),
        "the registration number and account number: 4 digits, then 6 to 10 (e.g. 9570-0001234567)",
    ),
    "giro": (
        re.compile(r"\+(01|04|15|71|73|75)<(\d{1,19} ?)?\+\d{7,8}<|\d{7,8}"),
        "a payment line +KK<payment id +creditor< (e.g. +71<123456789012345 +12345678<) "
        "or a giro number of 7-8 digits",
    ),
    "nemkonto": (
        re.compile(r"nk_[A-Za-z0-9]{8,}"),
        "an opaque NemKonto token: nk_ and at least 8 letters or digits (e.g. nk_a1B2c3D4)",
    ),
}


def payee_problem(payee: Payee) -> str | None:
    """What is wrong with a payee's reference (a CPR-shaped number, or not its kind's
    shape), or None when it has its kind's shape (Coordinator 8, Pool payouts 7)."""
    if looks_like_cpr(payee.reference):
        return CPR_REFUSED
    shape = _PAYEE_SHAPES.get(payee.kind)
    if shape is not None and not shape[0].fullmatch(payee.reference):
        return f"a {payee.kind} payee reference is {shape[1]}"
    return None


class FinanceEvent(Event):
    """Base of finance's events."""

    owner: ClassVar[str] = "finance"


class PoolRate(BaseModel):
    """The pool's amount per counted attendee per meeting in one tier (e.g. 'standard',
    'outside_venue')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: Identifier
    amount: Ore


class YearlyCap(BaseModel):
    """A cost kind paid up to an amount per network and year (e.g. external speakers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cost_kind: Identifier
    amount: Ore


class RateAmounts(BaseModel):
    """A year's amounts (DOMAIN Pool payouts 5): pool rates by tier, the coordinator fee."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pool: tuple[PoolRate, ...] = Field(min_length=1, description="The first tier is the default.")
    coordinator_fee: Ore = Field(description="The coordinator fee for a whole year.")
    yearly_caps: tuple[YearlyCap, ...] = ()


class RateTablePublished(FinanceEvent):
    """EKM published a scheme's rates for a year (Pool payouts 5, 6); a higher revision
    supersedes. Either amounts, or an index factor on the amounts of the table for
    `index_base_year` (rounded half up to øre)."""

    scheme: Identifier
    year: Year
    revision: int = Field(ge=1)
    price_level_year: Year = Field(description="The year whose price level the amounts are at.")
    amounts: RateAmounts | None = None
    index_factor: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=6)
    index_base_year: Year | None = Field(None, description="The table the factor applies to.")
    counted_categories: tuple[AttendeeCategory, ...] = Field(
        min_length=1, description="Which attendance categories count (member_owner for physio)."
    )
    basis: Basis = Field(description="Count each person, or each distinct ydernummer.")
    reason: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _amounts_or_index(self) -> RateTablePublished:
        if (self.amounts is None) == (self.index_factor is None):
            raise ValueError("give either amounts or an index_factor, not both or neither")
        if (self.index_factor is None) != (self.index_base_year is None):
            raise ValueError("an index_factor needs its index_base_year, and only it")
        return self


class RateRevision(BaseModel):
    """One revision of one year's rate table: what an indexed table's amounts came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: Year
    revision: int = Field(ge=1)


RateChain = Annotated[
    tuple[RateRevision, ...],
    Field(
        description="An indexed table's base tables, nearest first, each with the revision "
        "used (empty: the table states its amounts).",
        max_length=10,
    ),
]


class BookingNotified(FinanceEvent):
    """The coordinator told EKM what was booked for a meeting (seed 001: procedure)."""

    booking_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    cost_kinds: tuple[Identifier, ...] = Field(min_length=1, description="e.g. venue, catering")
    supplier_name: str = Field(min_length=1, max_length=200)
    expected_amount: Ore
    note: str | None = Field(None, max_length=500)


class InvoiceReceived(FinanceEvent):
    """An invoice arrived (effective date = day received). Kept even when it breaks a rule:
    a missing network, coordinator or meeting date is a reason to reject, not to drop."""

    invoice_id: Identifier
    network_id: Identifier | None
    coordinator_name: str | None = Field(max_length=200)
    meeting_date: dt.date | None
    meeting_id: Identifier | None = Field(
        None,
        description="The meeting it is for, needed only when the network has more than one "
        "meeting on meeting_date (Pool payouts 3: the meeting it names).",
    )
    due_date: dt.date
    amount: Ore
    payee: Payee
    description: str = Field("", max_length=500)
    supplier_name: str = Field(min_length=1, max_length=200)
    supplier_cvr: Cvr | None = None
    supplier_invoice_number: str = Field(min_length=1, max_length=64)
    received_date: dt.date
    cost_kind: Identifier = Field(description="venue, catering, small_expenses, or a scheme's")
    tier: Identifier | None = Field(None, description="The rate tier; default: the first.")
    booking_id: Identifier | None = None
    duplicate_of: str | None = Field(
        None,
        max_length=200,
        description="Found at registration: the earlier invoice (network/invoice id) of "
        "another account with the same supplier and invoice number (Pool payouts 7).",
    )
    possible_copy_of: str | None = Field(
        None,
        max_length=200,
        description="Found at registration: an invoice (network/invoice id, in any account) "
        "with the same invoice number, or one of its exact copies, for the same meeting day "
        "or payee (whatever the amounts) from a supplier named otherwise, perhaps this one "
        "mistyped; it is rejected until EKM decides (Pool payouts 7).",
    )


class Reason(BaseModel):
    """Why an invoice waits or is rejected, with the DOMAIN rule it follows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(min_length=1, max_length=100)
    code: Identifier
    text: Text


class InvoiceDecided(FinanceEvent):
    """Finance decided an invoice, or decided it again after an input changed (Pool
    payouts 3, 4, 7, 8); this replaces the earlier decision whole."""

    invoice_id: Identifier
    network_id: Identifier | None
    status: InvoiceStatus
    reasons: tuple[Reason, ...] = ()
    meeting_id: Identifier | None = None
    meeting_date: dt.date | None = None
    list_revision: int | None = Field(None, ge=1)
    rate_scheme: Identifier | None = None
    rate_year: Year | None = None
    rate_revision: int | None = Field(None, ge=1)
    rate_indexed_on: RateChain = ()
    counted: int | None = Field(None, ge=0, description="Attendees counted by the rate table.")
    entitlement: Ore | None = Field(None, description="Rate × counted (or the yearly cap).")
    approved: Ore = 0
    not_covered: Ore = 0
    overridden: bool = Field(False, description="An EKM override decided the status.")


class InvoiceOverridden(FinanceEvent):
    """An EKM clerk approved a rejected invoice or rejected an approved one, with a reason
    (Pool payouts 7). Without an amount, the cap of rule 3 still applies."""

    invoice_id: Identifier
    network_id: Identifier | None
    decision: Literal["approve", "reject"]
    reason: Text
    approved_amount: Ore | None = None
    not_copy_of: tuple[Annotated[str, Field(max_length=200)], ...] = Field(
        (),
        max_length=50,
        description="With an approval: the possible copies (network/invoice id: the same "
        "number for the same day or payee, the supplier named otherwise) EKM checked are other "
        "suppliers' invoices, so each of the pair may be paid (Pool payouts 7); a rejection of "
        "either invoice withdraws it.",
    )


class InvoiceMeetingNamed(FinanceEvent):
    """An EKM clerk named the meeting an invoice is for, with a reason (Pool payouts 3: the
    meeting it names), where its date alone does not tell: two meetings that day, or the
    meeting moved. The checks use this meeting from then on; a later one replaces it."""

    invoice_id: Identifier
    network_id: Identifier | None
    meeting_id: Identifier
    reason: Text


class CoordinatorFeeYearClosed(FinanceEvent):
    """EKM closed a year for the coordinator fee (Pool payouts 9): each payee's amount
    becomes a CoordinatorFeeDue; later changes are adjustments."""

    year: Year


FINANCE_EVENT_TYPES: tuple[type[Event], ...] = (
    RateTablePublished,
    BookingNotified,
    InvoiceReceived,
    InvoiceDecided,
    InvoiceOverridden,
    InvoiceMeetingNamed,
    CoordinatorFeeYearClosed,
)
