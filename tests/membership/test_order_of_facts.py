"""Membership 12: every answer "on date D" is the same whatever order the facts arrived in,
in the register and in meetings' own view of the published joins and leaves."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from kn_contracts.events import membership as ev
from kn_meetings.domain.roster import FactKind, MembershipFact, roster_on
from kn_membership.domain import commands as cmd
from kn_membership.domain import views
from kn_membership.domain.errors import MembershipError
from tests.membership.facts import JAN_1, Book, closed, opened, shared, unshared

N1, N2 = "aalborg-oest", "aalborg-vest"
DAYS = [dt.date(2025, m, d) for m in range(1, 13) for d in (1, 15)] + [dt.date(2026, 1, 1)]
Answer = tuple[frozenset[tuple[str, str]], ...]


def base() -> Book:
    """Pia owns 100000 at Klinik Nord with Quinn sharing it; Rita rents there: all in N1."""
    book = Book()
    book.apply(cmd.CreateNetwork(N2, "Aalborg Vest", "aalborg", JAN_1))
    book.founded_clinic("klinik-nord", "100000", "p0", "Pia Poulsen")
    book.feed(shared("100000", "p1", "Quinn Qvist", JAN_1))
    book.feed(opened("100002", "p2", "Rita Rask", "klinik-nord", JAN_1, "renter"))
    return book


ACTS: dict[str, Callable[[Book, dt.date], object]] = {
    "close 100000": lambda b, on: b.feed(closed("100000", on)),
    "close 100002": lambda b, on: b.feed(closed("100002", on)),
    "unshare p1": lambda b, on: b.feed(unshared("100000", "p1", on)),
    "move p0": lambda b, on: b.apply(cmd.MoveMember("p0", "100000", N2, on, "moved")),
    "move p2": lambda b, on: b.apply(cmd.MoveMember("p2", "100002", N2, on, "moved")),
    "remove p2": lambda b, on: b.apply(cmd.RemoveMember("p2", "100002", on, "left")),
    "end p1": lambda b, on: b.apply(cmd.EndHolding("p1", "100000", on, "retired")),
}


@dataclass(frozen=True)
class Fact:
    """One fact, dated: what a falsifying example shows."""

    act: str
    on: dt.date

    def __call__(self, book: Book) -> None:
        ACTS[self.act](book, self.on)


def played(facts: list[Fact]) -> Book:
    """The base, then the facts in this order; a fact the register refuses is left out, as
    the feed records it for EKM and an EKM command is answered with the rule."""
    book = base()
    for fact in facts:
        with contextlib.suppress(MembershipError):
            fact(book)
    return book


def membership_answers(book: Book) -> Answer:
    register = book.register
    answers = []
    for day in DAYS:
        for network in (N1, N2):
            members = views.members_on(register, network, day)
            answers.append(frozenset((m.person_id, m.ydernummer) for m in members))
        answers.append(
            frozenset((h.person_id, h.ydernummer) for h in views.awaiting(register, day))
        )
    return tuple(answers)


def meetings_answers(book: Book) -> Answer:
    """What meetings' own view (its roster of the published joins and leaves) answers."""
    facts = []
    for seq, e in enumerate(book.events):
        if isinstance(e, ev.MemberJoined | ev.MemberLeft):
            kind: FactKind = "joined" if isinstance(e, ev.MemberJoined) else "left"
            facts.append(MembershipFact(kind, e.network_id, e.person_id, e.ydernummer,
                                        e.clinic_id, e.effective_date, seq))  # fmt: skip
    answers = []
    for day in DAYS:
        roster = roster_on(day, facts)
        for network in (N1, N2):
            answers.append(
                frozenset((m.person_id, m.ydernummer) for m in roster.of_network(network))
            )
    return tuple(answers)


def without_awaiting(answers: Answer) -> Answer:
    return tuple(a for i, a in enumerate(answers) if i % 3 != 2)


def test_a_close_ends_a_move_recorded_after_it_that_starts_before_it() -> None:
    """The close of 1 July is announced, then EKM moves Pia to N2 from 1 May."""
    book = played([Fact("close 100000", dt.date(2025, 7, 1)),
                   Fact("move p0", dt.date(2025, 5, 1))])  # fmt: skip
    assert "p0" not in {
        m.person_id for m in views.members_on(book.register, N2, dt.date(2025, 9, 10))
    }
    assert membership_answers(book) == membership_answers(
        played([Fact("move p0", dt.date(2025, 5, 1)), Fact("close 100000", dt.date(2025, 7, 1))])
    )
    assert meetings_answers(book) == without_awaiting(membership_answers(book))


def test_a_late_close_ends_a_move_announced_for_after_it() -> None:
    """The move is announced for 1 August, then the close is reported late for 1 June."""
    book = played([Fact("move p0", dt.date(2025, 8, 1)),
                   Fact("close 100000", dt.date(2025, 6, 1))])  # fmt: skip
    assert views.members_on(book.register, N2, dt.date(2025, 9, 10)) == []
    assert meetings_answers(book) == without_awaiting(membership_answers(book))
    assert membership_answers(book) == membership_answers(
        played([Fact("close 100000", dt.date(2025, 6, 1)), Fact("move p0", dt.date(2025, 8, 1))])
    )


def test_a_move_before_a_move_already_recorded_to_the_same_network_brings_it_forward() -> None:
    early, late = Fact("move p0", dt.date(2025, 4, 1)), Fact("move p0", dt.date(2025, 6, 1))
    book = played([late, early])
    assert membership_answers(book) == membership_answers(played([early, late]))
    assert meetings_answers(book) == without_awaiting(membership_answers(book))


dates = st.sampled_from(DAYS[2:-1])
some_facts = st.dictionaries(st.sampled_from(sorted(ACTS)), dates, min_size=2)


@settings(max_examples=300, deadline=None, database=None)
@given(chosen=some_facts, data=st.data())
def test_every_answer_on_a_date_is_the_same_whatever_order_the_facts_arrived_in(
    chosen: dict[str, dt.date], data: st.DataObject
) -> None:
    facts = [Fact(name, on) for name, on in sorted(chosen.items())]
    shuffled = data.draw(st.permutations(facts), label="arrival order")
    in_order, arrived = played(facts), played(list(shuffled))
    assert membership_answers(arrived) == membership_answers(in_order)
    assert meetings_answers(arrived) == without_awaiting(membership_answers(arrived))
