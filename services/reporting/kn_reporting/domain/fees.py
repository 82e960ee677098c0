"""The coordinator fee of a network's year (DOMAIN Coordinator 2-5, Pool payouts 8, 9): what
finance paid out once EKM closed the year, before that a preview from the year's rate table
and the months so far (kn_contracts.coordinator's months policy and fee rounding)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kn_contracts.coordinator import RoleHistory, fee
from kn_contracts.events.finance import CoordinatorFeeYearClosed
from kn_contracts.events.payouts import CoordinatorFeeDue, PayoutAdjusted
from kn_reporting.domain.coordinators import counted_until
from kn_reporting.domain.facts import Facts
from kn_reporting.domain.rates import yearly_fee

FeeStatus = Literal["due", "preview", "not_available"]


@dataclass(frozen=True)
class FeePayee:
    person_id: str
    name: str
    months: int
    amount: int


@dataclass(frozen=True)
class CoordinatorFee:
    """`due` once EKM closed the year (Pool payouts 9: with later adjustments), a `preview`
    from the rate table and the months so far before that, or why neither can be given."""

    status: FeeStatus
    yearly_amount: int | None
    payees: tuple[FeePayee, ...]
    total: int
    note: str | None


def coordinator_fee(
    facts: Facts,
    year: int,
    history: RoleHistory,
    names: dict[str, str],
    today: dt.date,
    scheme: str | None,
) -> CoordinatorFee:
    """The fee of each payee of the network's `year`, or why it cannot be given yet."""
    closed = any(
        e.year == year
        for e in facts.common_of(CoordinatorFeeYearClosed)
        if isinstance(e, CoordinatorFeeYearClosed)
    )
    due: dict[str, list[int]] = {}  # person -> [months, amount]
    yearly: int | None = None
    for e in facts.of(CoordinatorFeeDue, PayoutAdjusted):
        if isinstance(e, CoordinatorFeeDue) and e.year == year:
            due[e.person_id] = [e.months, e.amount]
            yearly = e.yearly_amount
        elif isinstance(e, PayoutAdjusted) and e.adjusts == "fee" and e.year == year:
            entry = due.setdefault(e.person_id or "", [0, 0])
            entry[0] = entry[0] if e.months is None else e.months
            entry[1] += e.amount  # the sum of a thing's payouts is its amount (Pool payouts 8)
    if due:
        payees = tuple(FeePayee(p, names.get(p, p), m, a) for p, (m, a) in sorted(due.items()))
        return CoordinatorFee("due", yearly, payees, sum(p.amount for p in payees), None)
    rate = yearly_fee(facts.common, year, scheme)
    if isinstance(rate, str):
        return CoordinatorFee("not_available", None, (), 0, rate)
    paid = history.months(year, counted_until(year, today)).paid
    payees = tuple(
        FeePayee(p, names.get(p, p), m, fee(rate.amount, m)) for p, m in sorted(paid.items())
    )
    if closed and not payees:
        return CoordinatorFee("due", rate.amount, (), 0, f"{year} is closed: no months to pay")
    table = f"rate table {rate.scheme} {year} revision {rate.revision}"
    note = (
        f"preview: {year} is closed, finance's payouts for the network have not arrived; {table}"
        if closed
        else f"preview: {year} is not closed for the fee yet (Pool payouts 9); {table}"
    )
    return CoordinatorFee("preview", rate.amount, payees, sum(p.amount for p in payees), note)
