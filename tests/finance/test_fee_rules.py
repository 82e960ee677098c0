"""The coordinator fee (DOMAIN Coordinator 2-5, 7; Pool payouts 9) in pure code."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.membership import (
    CoordinatorHolder,
    CoordinatorSpellsRestated,
    RestatedSpell,
)
from kn_contracts.events.payouts import CoordinatorFeeDue, PayoutAdjusted
from kn_finance.domain.commands import close_fee_year
from kn_finance.domain.fee import FeeAccount, FeeYears, fee_changes
from kn_rules.errors import Invalid
from kn_rules.fee import fee_lines
from kn_servicekit.cause import Cause
from kn_servicekit.errors import AccessDenied
from tests.finance.facts import ANNA, BO, CAUSE, NETWORK, SCHEME, rates, roles, stamp

RATES = rates().resolve(2025)


def test_each_payee_is_paid_for_the_months_they_held_the_role_on_the_last_day() -> None:
    lines = fee_lines(roles(), 2025, RATES)
    assert [(line.person_id, line.paid, line.amount) for line in lines] == [
        ("p-03", 4, 712_000),
        ("p-04", 8, 1_424_000),
    ]


def test_the_preview_counts_the_months_ended_so_far() -> None:
    lines = fee_lines(roles(), 2025, RATES, as_of=dt.date(2025, 6, 15))
    assert [(line.person_id, line.paid) for line in lines] == [("p-03", 4), ("p-04", 1)]


def test_the_fee_rounds_half_up_per_payee() -> None:
    odd = rates().resolve(2025).__class__(**{**RATES.__dict__, "coordinator_fee": 1_000_001})
    [a, b] = fee_lines(roles(), 2025, odd)
    assert (a.amount, b.amount) == (333_334, 666_667)  # 333,333.67 and 666,667.33 øre


def test_a_closed_year_pays_each_payee_once_and_adjusts_after_a_restatement() -> None:
    account = FeeAccount()
    first = fee_changes(
        account, fee_lines(roles(), 2025, RATES), NETWORK, 2025, RATES, SCHEME, CAUSE
    )
    for change in first:
        for event in change.events:
            account.apply(event)
    due = [e for c in first for e in c.events]
    assert all(isinstance(e, CoordinatorFeeDue) for e in due)
    assert [c.cause_key for c in first] == [
        "CoordinatorFeeDue:fee:aalborg-oest:2025:p-03:1",
        "CoordinatorFeeDue:fee:aalborg-oest:2025:p-04:1",
    ]
    history = roles()
    history.apply(
        CoordinatorSpellsRestated(
            **stamp(dt.date(2025, 4, 1)),
            network_id=NETWORK,
            reason="B took over on 1 April",
            spells=(
                RestatedSpell(
                    start=dt.date(2025, 4, 1),
                    holders=(CoordinatorHolder(person_id=BO[0], name=BO[1]),),
                    payee_person_id=BO[0],
                ),
            ),
        )
    )
    later = fee_changes(
        account, fee_lines(history, 2025, RATES), NETWORK, 2025, RATES, SCHEME, CAUSE
    )
    adjusted = [e for c in later for e in c.events]
    assert all(isinstance(e, PayoutAdjusted) for e in adjusted)
    assert [
        (e.person_id, e.amount, e.months) for e in adjusted if isinstance(e, PayoutAdjusted)
    ] == [("p-03", -178_000, 3), ("p-04", 178_000, 9)]
    assert ANNA[0] == "p-03"


def test_ekm_closes_a_year_from_january_of_the_next() -> None:
    december = Cause("ekm", "close", "close", dt.date(2025, 12, 31))
    with pytest.raises(Invalid, match="2025 can be closed from 2026-01-01"):
        close_fee_year(FeeYears(), 2025, rates(), SCHEME, december)
    january = Cause("ekm", "close", "close", dt.date(2026, 1, 2))
    [closed] = close_fee_year(FeeYears(), 2025, rates(), SCHEME, january)
    assert closed.year == 2025
    with pytest.raises(AccessDenied):
        close_fee_year(FeeYears(), 2025, rates(), SCHEME, Cause("auditor", "c", "c", january.today))
