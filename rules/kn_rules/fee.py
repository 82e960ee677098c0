"""The coordinator fee's lines (DOMAIN Coordinator 2-5): months served and paid by the one
months policy in kn_contracts.coordinator, and each payee's share of the year's fee from
its rate table, rounded half up (Coordinator 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.coordinator import RoleHistory, fee
from kn_rules.rates import Rates


def fee_account(network_id: str, year: int) -> str:
    """The stream of a network's fee payouts for a year."""
    return f"fee:{network_id}:{year}"


def fee_thing(network_id: str, year: int, person_id: str) -> str:
    """What a fee payout pays: a payee's fee of a network's year."""
    return f"fee:{network_id}:{year}:{person_id}"


@dataclass(frozen=True)
class FeeLine:
    """One person's months and fee in a year."""

    person_id: str
    name: str
    served: int
    paid: int
    amount: int


def fee_lines(
    roles: RoleHistory, year: int, rates: Rates, as_of: dt.date | None = None
) -> list[FeeLine]:
    """Months served and paid per person in the year (up to `as_of`) and each payee's fee."""
    months = roles.months(year, as_of)
    names = {person: name for spell in roles.spells for person, name in spell.holders}
    people = sorted(set(months.served) | set(months.paid))
    return [
        FeeLine(
            person_id=person,
            name=names.get(person, person),
            served=months.served.get(person, 0),
            paid=months.paid.get(person, 0),
            amount=fee(rates.coordinator_fee, months.paid.get(person, 0)),  # Coordinator 4
        )
        for person in people
    ]
