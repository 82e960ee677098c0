"""The coordinator fee (DOMAIN Coordinator 2-5, Pool payouts 9): months by the one months
policy in kn_contracts.coordinator, the year's fee from its rate table, half up per payee.
A preview until EKM closes the year; then each payee's amount is a CoordinatorFeeDue, and
any later change an adjustment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kn_contracts.base import Event
from kn_contracts.events.finance import CoordinatorFeeYearClosed
from kn_contracts.events.payouts import CoordinatorFeeDue, PayoutAdjusted
from kn_finance.domain.settle import Change
from kn_rules.fee import FeeLine
from kn_rules.fee import fee_thing as thing_of
from kn_rules.rates import Rates
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause

FEE_YEARS = "fee-years"


@dataclass
class Paid:
    """What was published for one payee: payout revisions, their sum, the months."""

    payouts: int = 0
    total: int = 0
    months: int = 0


@dataclass
class FeeAccount:
    """The fold of a network's fee stream for one year."""

    payees: dict[str, Paid] = field(default_factory=dict)
    folded: int = 0  # events folded in: tells a state that moved on from one that did not

    def apply(self, event: Event) -> FeeAccount:
        self.folded += 1
        if isinstance(event, CoordinatorFeeDue | PayoutAdjusted) and event.person_id:
            paid = self.payees.setdefault(event.person_id, Paid())
            paid.payouts += 1
            paid.total += event.amount
            paid.months = event.months if event.months is not None else paid.months
        return self


@dataclass
class FeeYears:
    """Which years EKM closed for the fee (the fee-years stream)."""

    closed: dict[int, dt.date] = field(default_factory=dict)

    def apply(self, event: Event) -> FeeYears:
        if isinstance(event, CoordinatorFeeYearClosed):
            self.closed.setdefault(event.year, event.effective_date)
        return self


def fee_changes(
    account: FeeAccount,
    lines: list[FeeLine],
    network_id: str,
    year: int,
    rates: Rates,
    scheme: Scheme,
    cause: Cause,
) -> list[Change]:
    """The payouts that bring a closed year's fees to these amounts (none if there)."""
    now = {line.person_id: line for line in lines if line.paid}
    found = []
    for person in sorted(set(now) | set(account.payees)):
        line, paid = now.get(person), account.payees.get(person, Paid())
        amount, months = (line.amount, line.paid) if line else (0, 0)
        thing, stamp = thing_of(network_id, year, person), cause.stamp(cause.today)
        event: Event
        if paid.payouts == 0:
            start, until = scheme.payable(year)
            event = CoordinatorFeeDue(
                **stamp,
                thing=thing,
                network_id=network_id,
                year=year,
                person_id=person,
                months=months,
                yearly_amount=rates.coordinator_fee,
                amount=amount,
                payable_from=start,
                payable_until=until,
                rate_scheme=rates.scheme,
                rate_revision=rates.revision,
                rate_indexed_on=rates.indexed_on,
            )
        elif amount != paid.total or months != paid.months:
            event = PayoutAdjusted(
                **stamp,
                thing=thing,
                adjusts="fee",
                network_id=network_id,
                person_id=person,
                year=year,
                amount=amount - paid.total,
                previous_total=paid.total,
                new_total=amount,
                cause=_cause(paid, months, rates),
                months=months,
                rate_scheme=rates.scheme,
                rate_revision=rates.revision,
                rate_indexed_on=rates.indexed_on,
            )
        else:
            continue
        found.append(Change(person, f"{event.event_name()}:{thing}:{paid.payouts + 1}", (event,)))
    return found


def _cause(paid: Paid, months: int, rates: Rates) -> str:
    if months != paid.months:
        return f"coordinator history corrected: months paid {paid.months} -> {months}"
    return f"{rates.named}: fee {rates.coordinator_fee} øre"
