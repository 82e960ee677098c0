"""Whether a person coordinates a network on a day, from EKM's confirmed history
(kn_servicekit.coordinators.check): the one rule every service's access dependency uses."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.coordinator import RoleHistory, Spell
from kn_servicekit.coordinators import check
from kn_servicekit.errors import AccessDenied

JAN_1, MAY_20, SEP_1 = dt.date(2025, 1, 1), dt.date(2025, 5, 20), dt.date(2025, 9, 1)


def history(*spells: tuple[dt.date, tuple[str, ...]]) -> RoleHistory:
    return RoleHistory([Spell(d, tuple((p, p) for p in ps), ps[0] if ps else None, "x")
                        for d, ps in spells])  # fmt: skip


def test_a_holder_acts_from_the_confirmed_start_and_a_shared_role_lets_both() -> None:
    """Coordinator 1 (shared by two), 9 (from the confirmed act's date)."""
    role = history((JAN_1, ("p-a",)), (MAY_20, ("p-a", "p-b")))
    check(role, "p-a", "n", JAN_1)
    check(role, "p-a", "n", MAY_20)
    check(role, "p-b", "n", MAY_20)


def test_after_stepping_down_the_refusal_names_the_day_the_role_ended() -> None:
    role = history((JAN_1, ("p-a",)), (MAY_20, ("p-b",)))
    with pytest.raises(AccessDenied) as refused:
        check(role, "p-a", "n", SEP_1)
    assert refused.value.rule == "Coordinator 9"
    assert refused.value.detail.startswith("p-a coordinated n until 2025-05-20: the role ended")


def test_a_role_confirmed_from_a_later_day_is_not_yet_held() -> None:
    with pytest.raises(AccessDenied, match="p-b coordinates n from 2025-09-01"):
        check(history((JAN_1, ("p-a",)), (SEP_1, ("p-b",))), "p-b", "n", MAY_20)


def test_nobody_unconfirmed_acts_and_is_told_ekm_has_not_confirmed_it() -> None:
    """Coordinator 9: a request counts for nothing until EKM confirms it."""
    with pytest.raises(AccessDenied) as refused:
        check(history((JAN_1, ("p-a",))), "p-b", "n", MAY_20)
    assert str(refused.value.rule).startswith("Coordinator 1")
    assert "EKM has not confirmed it yet" in refused.value.detail
