"""Payouts for EKM's finance system (topic kn.finance.payouts, key: the network id).

Each payout event has a deterministic id (ce_id): a UUIDv5 of its kind, the thing paid and
that thing's payout revision, so a consumer de-duplicates by id and a replay republishes
nothing new. A thing is an invoice ("pool:<network>:<invoice>") or a payee's fee for a year
("fee:<network>:<year>:<person>"); the sum of a thing's payout events is its current amount
(DOMAIN Pool payouts 8). No CPR number ever: the person is named by id (Coordinator 8).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from kn_contracts.events.finance import FinanceEvent, Payee, RateChain, Year
from kn_contracts.money import Ore, SignedOre
from kn_contracts.values import Identifier

Thing = str


class PoolPayoutApproved(FinanceEvent):
    """An invoice is approved for payment from the pool: the first payout of the invoice."""

    thing: Thing = Field(min_length=1, max_length=200, description="pool:<network>:<invoice>")
    invoice_id: Identifier
    network_id: Identifier
    meeting_id: Identifier | None
    meeting_date: dt.date | None
    list_revision: int | None = Field(ge=1)
    rate_scheme: Identifier | None
    rate_year: Year | None
    rate_revision: int | None = Field(ge=1)
    rate_indexed_on: RateChain = ()
    supplier_name: str = Field(min_length=1, max_length=200)
    supplier_invoice_number: str = Field(min_length=1, max_length=64)
    payee: Payee
    amount: Ore
    not_covered: Ore


class CoordinatorFeeDue(FinanceEvent):
    """A payee's coordinator fee for a closed year (Coordinator 2-5, Pool payouts 9): paid
    as A-income to the payee's NemKonto in February-March of the next year."""

    thing: Thing = Field(min_length=1, max_length=200, description="fee:<network>:<year>:<person>")
    network_id: Identifier
    year: Year
    person_id: Identifier
    months: int = Field(ge=0, le=12, description="Months paid to this payee (Coordinator 3, 5).")
    yearly_amount: Ore = Field(description="The year's fee for twelve months.")
    amount: Ore
    income_type: Literal["A-indkomst"] = "A-indkomst"
    payable_from: dt.date
    payable_until: dt.date
    rate_scheme: Identifier
    rate_revision: int = Field(ge=1)
    rate_indexed_on: RateChain = ()


class PayoutAdjusted(FinanceEvent):
    """A published amount changed (Pool payouts 8): the signed difference (negative: an
    amount EKM recovers or writes off) and what caused it."""

    thing: Thing = Field(min_length=1, max_length=200)
    adjusts: Literal["pool", "fee"]
    network_id: Identifier
    invoice_id: Identifier | None = None
    person_id: Identifier | None = None
    year: Year
    amount: SignedOre = Field(description="The difference in øre; negative to recover.")
    previous_total: Ore
    new_total: Ore
    cause: str = Field(min_length=1, max_length=500)
    meeting_id: Identifier | None = None
    list_revision: int | None = Field(None, ge=1)
    months: int | None = Field(None, ge=0, le=12)
    rate_scheme: Identifier | None = None
    rate_revision: int | None = Field(None, ge=1)
    rate_indexed_on: RateChain = ()
    payee: Payee | None = Field(None, description="Where the pool pays (a pool adjustment).")


PAYOUT_EVENT_TYPES: tuple[type[FinanceEvent], ...] = (
    PoolPayoutApproved,
    CoordinatorFeeDue,
    PayoutAdjusted,
)
