"""Request bodies of finance's routes (validated at the edge: a 422 names the field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kn_contracts.events.finance import Basis, Cvr, Payee, RateAmounts, payee_problem
from kn_contracts.events.meetings import AttendeeCategory
from kn_contracts.money import Ore
from kn_contracts.values import Identifier
from kn_servicekit.idempotency import ADDED_LATER


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateTableIn(Body):
    """A year's rates: amounts in øre, or an index factor on another year's table."""

    year: int = Field(ge=2000, le=2100)
    price_level_year: int | None = Field(None, ge=2000, le=2100, description="default: year")
    amounts: RateAmounts | None = None
    index_factor: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=6)
    index_base_year: int | None = Field(None, ge=2000, le=2100)
    counted_categories: tuple[AttendeeCategory, ...] | None = Field(
        None, min_length=1, description="default: the scheme's (member_owner for physio)"
    )
    basis: Basis | None = None
    reason: str | None = Field(None, max_length=500)


class PayeeIn(Payee):
    """A payee as entered: its kind's shape, and never a CPR number (Coordinator 8)."""

    @model_validator(mode="after")
    def _known_shape_and_no_cpr(self) -> PayeeIn:
        problem = payee_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self


class InvoiceIn(Body):
    """An invoice as EKM received it; what it lacks is a reason to reject, not a 422."""

    invoice_id: Identifier
    network_id: Identifier | None
    coordinator_name: str | None = Field(None, max_length=200)
    meeting_date: dt.date | None
    meeting_id: Identifier | None = Field(
        None,
        description="needed only when the network has two meetings on meeting_date",
        json_schema_extra={ADDED_LATER: "2026-12-04"},
    )
    due_date: dt.date
    amount: Ore
    payee: PayeeIn
    description: str = Field("", max_length=500)
    supplier_name: str = Field(min_length=1, max_length=200)
    supplier_cvr: Cvr | None = None
    supplier_invoice_number: str = Field(min_length=1, max_length=64)
    received_date: dt.date | None = Field(None, description="default: today")
    cost_kind: Identifier
    tier: Identifier | None = None
    booking_id: Identifier | None = None


class BookingIn(Body):
    """What the coordinator booked for a meeting (seed 001: mail EKM what is booked)."""

    booking_id: Identifier
    meeting_date: dt.date
    cost_kinds: tuple[Identifier, ...] = Field(min_length=1)
    supplier_name: str = Field(min_length=1, max_length=200)
    expected_amount: Ore
    note: str | None = Field(None, max_length=500)


class MeetingNamedIn(Body):
    """The meeting EKM names for an invoice, with a reason (Pool payouts 3)."""

    meeting_id: Identifier
    reason: str = Field(min_length=3, max_length=500)


class OverrideIn(Body):
    """EKM's decision on an invoice, with a reason (Pool payouts 7)."""

    decision: Literal["approve", "reject"]
    reason: str = Field(min_length=3, max_length=500)
    approved_amount: Ore | None = Field(None, description="default: the cap of rule 3 applies")
    not_copy_of: tuple[Annotated[str, Field(max_length=200)], ...] = Field(
        (),
        max_length=50,
        description="With decision 'approve': the invoice's possible copies (network/"
        "invoice id, as its view lists them) that EKM checked are other suppliers' invoices",
        json_schema_extra={ADDED_LATER: "2026-12-04"},
    )
