"""The coordinator role over a year: who held it when, and the months each served."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events import membership as ev
from kn_membership.domain import commands as cmd
from kn_membership.domain import requests, views
from kn_membership.domain.errors import AlreadyExists, RuleBroken
from kn_servicekit.cause import Cause
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
    book.coordinate(command)


def months(book: Book, year: int = 2025) -> tuple[dict[str, int], dict[str, int]]:
    counted = book.register.role("aalborg-oest").months(year)
    return counted.served, counted.paid


def test_the_worked_example_pays_a_four_months_and_b_eight(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20))
    served, paid = months(book)
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
    served, _ = months(book)
    assert sum(served.values()) == 12
    assert served == {"p-a": 2 + 4, "p-c": 6}


def test_months_without_a_coordinator_pay_nobody(book: Book) -> None:
    decide(book, cmd.ElectCoordinator("aalborg-oest", "p-a", dt.date(2025, 3, 1)))
    decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-a", dt.date(2025, 10, 1)))
    served, paid = months(book)
    assert served == paid == {"p-a": 7}


def test_a_shared_role_counts_for_both_and_pays_one(book: Book) -> None:
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-b", JAN_1))
    served, paid = months(book)
    assert served == {"p-a": 12, "p-b": 12}
    assert paid == {"p-b": 12}


def test_when_one_of_two_steps_down_the_other_keeps_the_role_and_is_paid(book: Book) -> None:
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-a", JAN_1))
    decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-a", dt.date(2025, 7, 1)))
    served, paid = months(book)
    assert served == {"p-a": 6, "p-b": 12}
    assert paid == {"p-a": 6, "p-b": 6}


def test_an_act_dated_before_the_latest_act_is_refused_and_ekm_restates_instead(
    book: Book,
) -> None:
    """Coordinator 7: (A, B) share from 1 January, A steps down 1 June; a late "changed to
    C on 1 March" no longer hands the role back to B from 1 June: it is refused, naming
    1 June, and EKM restates the history from 1 March with a reason, as one event."""
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-a", JAN_1))
    decide(book, cmd.StepDownAsCoordinator("aalborg-oest", "p-a", dt.date(2025, 6, 1)))
    refusal = "act of aalborg-oest is dated 2025-06-01; an act dated 2025-03-01 comes before it"
    with pytest.raises(RuleBroken, match=refusal) as err:
        decide(book, cmd.ChangeCoordinator("aalborg-oest", "p-c", dt.date(2025, 3, 1)))
    assert err.value.rule == "Coordinator 7"
    [restated] = book.coordinate(
        cmd.RestateCoordinatorSpells(
            "aalborg-oest",
            dt.date(2025, 3, 1),
            (cmd.StatedSpell(dt.date(2025, 3, 1), ("p-c",), "p-c"),),
            "C took over on 1 March; reported late",
        )
    )
    assert isinstance(restated, ev.CoordinatorSpellsRestated)
    assert restated.reason == "C took over on 1 March; reported late"
    spell = views.coordinator(book.register, "aalborg-oest", dt.date(2025, 7, 1))
    assert spell is not None
    assert spell.holders == (("p-c", "Cecilie Crone"),)
    assert months(book) == ({"p-a": 2, "p-b": 2, "p-c": 10}, {"p-a": 2, "p-c": 10})


def test_a_restatement_must_begin_on_its_date_name_members_and_pay_a_holder(book: Book) -> None:
    def restate(*spells: cmd.StatedSpell) -> None:
        book.coordinate(cmd.RestateCoordinatorSpells("aalborg-oest", JAN_1, spells, "fix it"))

    with pytest.raises(RuleBroken, match="begins with the spell of that day"):
        restate(cmd.StatedSpell(MAY_20, ("p-a",), "p-a"))
    with pytest.raises(RuleBroken, match="in date order"):
        restate(cmd.StatedSpell(JAN_1, ("p-a",), "p-a"), cmd.StatedSpell(JAN_1, (), None))
    with pytest.raises(RuleBroken, match="p-zed is not a member"):
        restate(cmd.StatedSpell(JAN_1, ("p-zed",), "p-zed"))
    with pytest.raises(RuleBroken, match="paid to one of its holders") as err:
        restate(cmd.StatedSpell(JAN_1, ("p-a",), "p-b"))
    assert err.value.rule == "Coordinator 2"
    with pytest.raises(RuleBroken, match="names someone twice"):
        restate(cmd.StatedSpell(JAN_1, ("p-a", "p-a"), "p-a"))


def test_each_month_of_a_shared_role_is_paid_to_the_payee_on_its_last_day(book: Book) -> None:
    """Coordinator 5, and months "as of" a date: only the months ended by then count."""
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-a", JAN_1))
    decide(book, cmd.ShareCoordinatorRole("aalborg-oest", ("p-a", "p-b"), "p-b",
                                          dt.date(2025, 6, 15)))  # fmt: skip
    role = book.register.role("aalborg-oest")
    assert role.months(2025).paid == {"p-a": 5, "p-b": 7}
    july = role.months(2025, as_of=dt.date(2025, 7, 31))
    assert (july.served, july.paid) == ({"p-a": 7, "p-b": 7}, {"p-a": 5, "p-b": 2})


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


def test_a_coordinators_act_is_a_request_that_counts_once_ekm_confirms_it(book: Book) -> None:
    """Coordinator 9: the network elects, EKM records."""
    network = Cause("coordinator:aalborg-oest", "http:7", "http:7", MAY_20)

    def reported(command: cmd.CoordinatorAct) -> ev.CoordinatorActRequested:
        [event] = requests.report(command, book.register, network)
        assert isinstance(event, ev.CoordinatorActRequested)
        book.events.append(event)
        return event

    asked = reported(cmd.ElectCoordinator("aalborg-oest", "p-a", JAN_1))
    assert (asked.request, asked.act, asked.person_ids) == (1, "elect", ("p-a",))
    assert views.coordinator(book.register, "aalborg-oest", MAY_20) is None  # not yet
    assert [r.number for r in requests.waiting(book.register)] == [1]
    [elected] = requests.confirm(book.register, "aalborg-oest", 1, EKM)
    book.events.append(elected)
    assert isinstance(elected, ev.CoordinatorElected)
    assert (elected.effective_date, elected.request, elected.actor) == (JAN_1, 1, "ekm")
    assert months(book) == ({"p-a": 12}, {"p-a": 12})
    reported(cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20))
    no = "the network did not vote"
    book.events += requests.reject(book.register, "aalborg-oest", 2, no, EKM)
    assert requests.waiting(book.register) == []
    assert book.register.requests["aalborg-oest"][2].reason == no
    assert months(book) == ({"p-a": 12}, {"p-a": 12})
    with pytest.raises(AlreadyExists, match="request 2 of aalborg-oest is rejected"):
        requests.confirm(book.register, "aalborg-oest", 2, EKM)
    with pytest.raises(RuleBroken, match="p-zed is not a member"):  # told at once
        reported(cmd.ChangeCoordinator("aalborg-oest", "p-zed", MAY_20))
    [direct] = requests.report(cmd.ChangeCoordinator("aalborg-oest", "p-b", MAY_20),
                               book.register, EKM)  # fmt: skip
    assert isinstance(direct, ev.CoordinatorChanged)  # EKM records directly
    assert direct.request is None
