"""Coordinator 6: the role ends with membership, the same day, as a recorded step-down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kn_contracts.events import membership as ev
from kn_membership.domain import commands as cmd
from kn_membership.domain import views
from tests.membership.facts import Book, closed, opened, shared, taken_over, unshared

JAN_1, JULY_1, AUG_1 = dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2025, 8, 1)
NETWORK = "aalborg-oest"


@pytest.fixture
def book() -> Book:
    book = Book()
    book.apply(cmd.CreateNetwork("aalborg-vest", "Aalborg Vest", "aalborg", JAN_1))
    book.founded_clinic("klinik-nord", "100001", "p-a", "Astrid Aagaard")
    book.feed(shared("100001", "p-q", "Quinn Qvist", JAN_1))
    book.feed(opened("100002", "p-b", "Bent Bach", "klinik-nord", JAN_1, "renter"))
    return book


ENDINGS: dict[str, Callable[[Book], object]] = {
    "closed": lambda b: b.feed(closed("100001", JULY_1)),
    "sold": lambda b: b.feed(
        taken_over("klinik-nord", "100001", "p-x", "Xenia Xu", "100009", JULY_1)
    ),
    "unshared": lambda b: b.feed(unshared("100001", "p-a", JULY_1)),
    "moved": lambda b: b.apply(cmd.MoveMember("p-a", "100001", "aalborg-vest", JULY_1, "moved")),
    "removed": lambda b: b.apply(cmd.RemoveMember("p-a", "100001", JULY_1, "asked to leave")),
    "holding ended": lambda b: b.apply(cmd.EndHolding("p-a", "100001", JULY_1, "retired")),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_the_role_ends_with_membership(book: Book, ending: str) -> None:
    book.coordinate(cmd.ElectCoordinator(NETWORK, "p-a", JAN_1))
    ENDINGS[ending](book)
    [down] = [e for e in book.events if isinstance(e, ev.CoordinatorSteppedDown)]
    assert (down.person_id, down.effective_date, down.reason) == ("p-a", JULY_1, "membership ended")
    assert views.coordinator(book.register, NETWORK, AUG_1) == views.coordinator(
        book.register, NETWORK, JULY_1
    )
    spell = views.coordinator(book.register, NETWORK, AUG_1)
    assert spell is not None
    assert spell.holders == ()
    assert book.register.role(NETWORK).months(2025).served == {"p-a": 6}


def test_a_sharer_left_holds_the_role_alone_and_is_paid(book: Book) -> None:
    book.coordinate(cmd.ShareCoordinatorRole(NETWORK, ("p-a", "p-b"), "p-a", JAN_1))
    book.feed(closed("100001", JULY_1))
    spell = views.coordinator(book.register, NETWORK, AUG_1)
    assert spell is not None
    assert (spell.holders, spell.payee) == ((("p-b", "Bent Bach"),), "p-b")
    months = book.register.role(NETWORK).months(2025)
    assert (months.served, months.paid) == ({"p-a": 6, "p-b": 12}, {"p-a": 6, "p-b": 6})


def test_an_end_announced_before_the_election_ends_the_role_too(book: Book) -> None:
    book.feed(closed("100001", JULY_1))  # announced ahead
    book.coordinate(cmd.ElectCoordinator(NETWORK, "p-a", JAN_1))
    assert views.coordinator(book.register, NETWORK, AUG_1) is not None
    assert book.register.role(NETWORK).months(2025).served == {"p-a": 6}


def test_a_late_end_restates_later_spells_that_name_the_former_member(book: Book) -> None:
    book.coordinate(cmd.ElectCoordinator(NETWORK, "p-a", JAN_1))
    book.coordinate(cmd.ShareCoordinatorRole(NETWORK, ("p-a", "p-b"), "p-a", dt.date(2025, 9, 1)))
    book.feed(closed("100001", JULY_1))  # reported late
    kinds = [type(e).__name__ for e in book.events[-3:]]
    assert kinds[-2:] == ["CoordinatorSteppedDown", "CoordinatorSpellsRestated"]
    autumn = views.coordinator(book.register, NETWORK, dt.date(2025, 10, 1))
    assert autumn is not None
    assert (autumn.holders, autumn.payee) == ((("p-b", "Bent Bach"),), "p-b")
    months = book.register.role(NETWORK).months(2025)
    assert (months.served, months.paid) == ({"p-a": 6, "p-b": 4}, {"p-a": 6, "p-b": 4})
