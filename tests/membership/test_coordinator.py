"""The coordinator role over a year: who held it when, and the months each served."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_membership.domain import commands as cmd
from kn_membership.domain import coordinator, views
from kn_membership.domain.errors import RuleBroken
from tests.membership.facts import EKM, Book, opened

JAN_1, MAY_20 = dt.date(2025, 1, 1), dt.date(2025, 5, 20)


@pytest.fixture
def book() -> Book:
    book = Book()
    book.founded_clinic("klinik-nord", "100001", "p-a", "Astrid Aagaard")
    book.feed(opened("100002", "p-b", "Bent Bach", "klinik-nord", JAN_1, "renter"))
    book.feed(opened("100003", "p-c", "Cecilie Crone", "klinik-nord", JAN_1, "renter"))
    return book


def decide(book: Book, command: object) -> None:
    book.events += coordinator.decide(command, book.register, EKM)


def test_the_worked_example_pays_a_four_months_and_b_eight(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20))
    served, paid = views.months_served(book.register, "aalborg-oest", 2025)
    assert served == {"p-a": 4, "p-b": 8}
    assert paid == {"p-a": 4, "p-b": 8}


def test_who_held_the_role_on_a_date(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20))
    assert views.coordinator(book.register, "aalborg-oest", dt.date(2024, 12, 31)) is None
    spell = views.coordinator(book.register, "aalborg-oest", dt.date(2025, 5, 19))
    assert spell is not None
    assert spell.holders == (("p-a", "Astrid Aagaard"),)
    spell = views.coordinator(book.register, "aalborg-oest", MAY_20)
    assert spell is not None
    assert spell.holders == (("p-b", "Bent Bach"),)


def test_a_role_always_filled_pays_exactly_twelve_months_however_often_it_changes(
    book: Book,
) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    for day, person in [
        (dt.date(2025, 3, 15), "p-b"),
        (dt.date(2025, 3, 20), "p-c"),
        (dt.date(2025, 9, 30), "p-a"),
    ]:
        decide(book, cmd.ChangeCoordinator("aalborg-oest", person, day))
    served, _ = views.months_served(book.register, "aalborg-oest", 2025)
    assert sum(served.values()) == 12
    assert served == {"p-a": 2 + 4, "p-c": 6}


def test_months_without_a_coordinator_pay_nobody(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", dt.date(2025, 3, 1)))
    decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-a", dt.date(2025, 10, 1)))
    served, paid = views.months_served(book.register, "aalborg-oest", 2025)
    assert served == paid == {"p-a": 7}


def test_a_shared_role_counts_for_both_and_pays_one(book: Book) -> None:
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-b", JAN_1))
    served, paid = views.months_served(book.register, "aalborg-oest", 2025)
    assert served == {"p-a": 12, "p-b": 12}
    assert paid == {"p-b": 12}


def test_when_one_of_two_steps_down_the_other_keeps_the_role_and_is_paid(book: Book) -> None:
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-a", JAN_1))
    decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-a", dt.date(2025, 7, 1)))
    served, paid = views.months_served(book.register, "aalborg-oest", 2025)
    assert served == {"p-a": 6, "p-b": 12}
    assert paid == {"p-a": 6, "p-b": 6}


def test_a_late_reported_change_takes_its_place_by_date(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-c", dt.date(2025, 9, 1)))
    decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20))  # reported later
    served, _ = views.months_served(book.register, "aalborg-oest", 2025)
    assert served == {"p-a": 4, "p-b": 4, "p-c": 4}


def test_only_a_member_of_the_network_can_coordinate_it(book: Book) -> None:
    with pytest.raises(RuleBroken, match="p-zed is not a member of aalborg-oest") as err:
        decide(book, cmd.ElectCoordinator("aalborg-oest", "p-zed", JAN_1))
    assert err.value.rule == "Coordinator 1"


def test_the_fee_of_a_shared_role_goes_to_one_of_the_two(book: Book) -> None:
    with pytest.raises(RuleBroken, match="paid to one of the two") as err:
        decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-c", JAN_1))
    assert err.value.rule == "Coordinator 2"


def test_a_filled_role_is_changed_not_elected_again(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    with pytest.raises(RuleBroken, match="record a change of coordinator instead"):
        decide(book, cmd.ElectCoordinator("aalborg-oest", "p-b", MAY_20))
    with pytest.raises(RuleBroken, match="p-b does not hold the coordinator role"):
        decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-b", MAY_20))
    with pytest.raises(RuleBroken, match="p-a already holds the role"):
        decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-a", MAY_20))
