"""Money is integer øre and rounds half up."""

from __future__ import annotations

import pytest

from kn_contracts.money import kroner_text, ore, share_half_up


def test_kroner_become_whole_ore() -> None:
    assert ore("534") == 53_400
    assert ore("7476.00") == 747_600


def test_fractions_of_an_ore_are_refused() -> None:
    with pytest.raises(ValueError, match="whole number of øre"):
        ore("0.001")


def test_a_coordinator_fee_share_matches_the_worked_example() -> None:
    assert share_half_up(2_136_000, 4, 12) == 712_000
    assert share_half_up(2_136_000, 8, 12) == 1_424_000


def test_half_an_ore_rounds_up() -> None:
    assert share_half_up(1, 1, 2) == 1
    assert share_half_up(5, 1, 4) == 1


def test_amounts_print_the_danish_way() -> None:
    assert kroner_text(747_600) == "7.476,00 kr"
