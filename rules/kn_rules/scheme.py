"""A scheme's numbers (DOMAIN "Other schemes"): read from a scheme file, never code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.events.finance import Basis
from kn_contracts.events.meetings import AttendeeCategory


@dataclass(frozen=True)
class Scheme:
    """What one scheme pays for and how; the year's amounts are in its rate tables."""

    scheme: str
    name: str
    base_year: int
    due_days: int  # Pool payouts 4: due at least this many days after receipt
    pool_cost_kinds: frozenset[str]  # paid from the meeting's entitlement (Pool payouts 3)
    capped_cost_kinds: frozenset[str]  # paid up to a yearly cap per network (rate table)
    payee_kinds: frozenset[str]  # Pool payouts 4: a Danish account, giro or NemKonto
    counted_categories: tuple[AttendeeCategory, ...]  # a rate table's default (rule 6)
    basis: Basis
    fee_payable_from: tuple[int, int]  # (month, day) of the next year (Coordinator 2)
    fee_payable_until: tuple[int, int]
    fee_close_month: int  # Pool payouts 9: the year is closed from this month of the next

    @property
    def cost_kinds(self) -> frozenset[str]:
        return self.pool_cost_kinds | self.capped_cost_kinds

    def payable(self, year: int) -> tuple[dt.date, dt.date]:
        """When a year's coordinator fee is paid (February-March of the next year)."""
        return (
            dt.date(year + 1, *self.fee_payable_from),
            dt.date(year + 1, *self.fee_payable_until),
        )

    def closable_from(self, year: int) -> dt.date:
        """The first day EKM may close a year for the fee."""
        return dt.date(year + 1, self.fee_close_month, 1)
