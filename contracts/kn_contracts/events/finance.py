"""Events owned by the finance service (topic kn.finance.events)."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kn_contracts.base import Event
from kn_contracts.money import Ore
from kn_contracts.values import Identifier

PayeeKind = Literal["danish_account", "giro", "nemkonto", "other"]
_CPR_SHAPE = re.compile(r"\d{6}-?\d{4}")


class Payee(BaseModel):
    """Where an invoice is paid. A NemKonto payee is a token, never a CPR number in clear."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PayeeKind
    reference: str = Field(
        min_length=1,
        max_length=64,
        description="Registration + account number, giro number, or an opaque NemKonto token.",
    )

    @model_validator(mode="after")
    def _no_cpr_in_clear(self) -> Payee:
        if self.kind == "nemkonto" and _CPR_SHAPE.fullmatch(self.reference):
            raise ValueError("a NemKonto payee must be a token, not a CPR number")
        return self


class FinanceEvent(Event):
    """Base of finance's events."""

    owner: ClassVar[str] = "finance"


class InvoiceReceived(FinanceEvent):
    """An invoice arrived (effective date = day received). Kept even when it breaks a rule:
    a missing network, coordinator or meeting date is a reason to reject, not to drop."""

    invoice_id: Identifier
    network_id: Identifier | None
    coordinator_name: str | None = Field(max_length=200)
    meeting_date: dt.date | None
    due_date: dt.date
    amount: Ore
    payee: Payee
    description: str = Field("", max_length=500)
