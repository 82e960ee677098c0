"""The months policy both membership and finance use (DOMAIN Coordinator 3-5, 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.coordinator import RoleHistory, fee
from kn_contracts.events import membership as ev


def _stamp(on: dt.date) -> dict[str, Any]:
    return {"effective_date": on, "actor": "ekm", "causation_id": "c", "correlation_id": "c"}


def _holder(person: str) -> ev.CoordinatorHolder:
    return ev.CoordinatorHolder(person_id=person, name=person.upper())


def _history() -> RoleHistory:
    history = RoleHistory()
    history.apply(ev.CoordinatorElected(**_stamp(dt.date(2025, 1, 1)), network_id="n",
                                        holders=(_holder("a"),), payee_person_id="a"))  # fmt: skip
    history.apply(ev.CoordinatorChanged(**_stamp(dt.date(2025, 5, 20)), network_id="n",
                                        holders=(_holder("b"),), payee_person_id="b"))  # fmt: skip
    return history


def test_a_month_counts_for_whoever_holds_the_role_on_its_last_day() -> None:
    months = _history().months(2025)
    assert (months.served, months.paid) == ({"a": 4, "b": 8}, {"a": 4, "b": 8})


def test_the_worked_example_fees_are_7120_and_14240_kroner() -> None:
    assert fee(2_136_000, 4) == 712_000
    assert fee(2_136_000, 8) == 1_424_000


def test_fees_round_half_up_to_whole_ore() -> None:
    assert fee(100, 1) == 8  # 8.33 øre
    assert fee(1_000_006, 1) == 83_334  # 83,333.83 øre, up


def test_months_as_of_a_date_count_only_the_months_ended_by_then() -> None:
    assert _history().months(2025, as_of=dt.date(2025, 5, 31)).paid == {"a": 4, "b": 1}
    assert _history().months(2025, as_of=dt.date(2025, 5, 30)).paid == {"a": 4}


def test_of_a_shared_role_both_serve_and_the_payee_on_the_last_day_is_paid() -> None:
    history = _history()
    history.apply(ev.CoordinatorRoleShared(**_stamp(dt.date(2025, 9, 1)), network_id="n",
                                           holders=(_holder("a"), _holder("b")),
                                           payee_person_id="a"))  # fmt: skip
    months = history.months(2025)
    assert months.served == {"a": 8, "b": 8}
    assert months.paid == {"a": 8, "b": 4}


def test_a_restatement_replaces_every_spell_from_its_date_on() -> None:
    history = _history()
    history.apply(
        ev.CoordinatorSpellsRestated(
            **_stamp(dt.date(2025, 3, 1)), network_id="n", reason="B took over 1 March",
            spells=(ev.RestatedSpell(start=dt.date(2025, 3, 1), holders=(_holder("b"),),
                                     payee_person_id="b"),),
        )
    )  # fmt: skip
    assert history.months(2025).paid == {"a": 2, "b": 10}
    assert history.latest_act() == dt.date(2025, 3, 1)


def test_months_with_no_coordinator_pay_nobody() -> None:
    history = _history()
    history.apply(ev.CoordinatorSteppedDown(**_stamp(dt.date(2025, 11, 1)), network_id="n",
                                            holders=(), payee_person_id=None,
                                            person_id="b"))  # fmt: skip
    assert history.months(2025).paid == {"a": 4, "b": 6}
