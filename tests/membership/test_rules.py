"""Each membership rule of DOMAIN.md, decided on the register (no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events import membership as ev
from kn_contracts.events import region as rg
from kn_membership.domain import commands as cmd
from kn_membership.domain import feed, views
from kn_membership.domain.errors import AlreadyExists, NotFound, RuleBroken
from tests.membership.facts import REGION, Book, closed, opened, shared, stamp, taken_over

JAN_1 = dt.date(2025, 1, 1)
MARCH_1, APRIL_1, MAY_1 = dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)


def names(book: Book, on: dt.date, owners_only: bool = False) -> list[str]:
    return [m.name for m in views.members_on(book.register, "aalborg-oest", on, owners_only)]


@pytest.fixture
def book() -> Book:
    book = Book()
    book.founded_clinic("klinik-nord", "100001", "p-anna", "Anna Berg")
    return book


def test_an_owner_opening_a_brand_new_clinic_waits_for_ekm_to_assign_a_network() -> None:
    book = Book()
    [event] = book.feed(opened("100009", "p-ole", "Ole Dam", "klinik-ny", MARCH_1))
    assert isinstance(event, ev.MemberAwaitingAssignment)
    assert [h.name for h in views.awaiting(book.register, MARCH_1)] == ["Ole Dam"]
    book.apply(cmd.AssignMember("aalborg-oest", "p-ole", "100009", MARCH_1, "nearest network"))
    assert views.awaiting(book.register, MARCH_1) == []
    assert names(book, MARCH_1) == ["Ole Dam"]


def test_a_renter_joins_the_network_of_the_colleagues_at_the_clinic(book: Book) -> None:
    [event] = book.feed(opened("100002", "p-bo", "Bo Lind", "klinik-nord", MARCH_1, "renter"))
    assert isinstance(event, ev.MemberJoined)
    assert (event.network_id, event.role, event.reason) == ("aalborg-oest", "renter", "region_feed")
    assert names(book, MARCH_1) == ["Anna Berg", "Bo Lind"]
    assert names(book, MARCH_1, owners_only=True) == ["Anna Berg"]


def test_both_owners_of_a_shared_ydernummer_are_members(book: Book) -> None:
    book.feed(shared("100001", "p-qvist", "Quinn Qvist", MARCH_1))
    members = views.members_on(book.register, "aalborg-oest", MARCH_1, owners_only=True)
    assert [(m.name, m.ydernummer) for m in members] == [
        ("Anna Berg", "100001"),
        ("Quinn Qvist", "100001"),
    ]


def test_the_buyer_joins_the_sellers_network_from_the_sale_date(book: Book) -> None:
    events = book.feed(
        taken_over("klinik-nord", "100001", "p-carl", "Carl Holm", "100003", APRIL_1)
    )
    assert [type(e).__name__ for e in events] == ["ClinicSold", "MemberLeft", "MemberJoined"]
    assert names(book, APRIL_1) == ["Carl Holm"]


def test_the_sellers_membership_for_the_clinic_ends_on_the_sale_date(book: Book) -> None:
    book.feed(taken_over("klinik-nord", "100001", "p-carl", "Carl Holm", "100003", APRIL_1))
    assert names(book, dt.date(2025, 3, 31)) == ["Anna Berg"]
    assert "Anna Berg" not in names(book, APRIL_1)


def test_a_late_reported_sale_answers_who_was_a_member_on_past_dates(book: Book) -> None:
    book.feed(opened("100002", "p-bo", "Bo Lind", "klinik-nord", MAY_1, "renter"))
    # reported in May, effective 1 March
    book.feed(taken_over("klinik-nord", "100001", "p-carl", "Carl Holm", "100003", MARCH_1))
    assert names(book, dt.date(2025, 2, 28)) == ["Anna Berg"]
    assert names(book, MARCH_1) == ["Carl Holm"]
    assert names(book, MAY_1) == ["Bo Lind", "Carl Holm"]


def test_a_change_announced_ahead_takes_effect_only_on_its_date(book: Book) -> None:
    book.feed(closed("100001", dt.date(2025, 7, 1)))
    assert names(book, dt.date(2025, 6, 30)) == ["Anna Berg"]
    assert names(book, dt.date(2025, 7, 1)) == []


def test_closing_an_unknown_ydernummer_is_refused_with_the_rule(book: Book) -> None:
    with pytest.raises(RuleBroken, match="ydernummer 999999 is unknown or already closed") as err:
        book.feed(closed("999999", MARCH_1))
    assert err.value.rule == "Membership 7"


def test_selling_a_clinic_the_seller_does_not_own_is_refused(book: Book) -> None:
    book.founded_clinic("klinik-syd", "100005", "p-dora", "Dora Krag")
    with pytest.raises(RuleBroken, match="100005 does not own clinic klinik-nord") as err:
        book.feed(taken_over("klinik-nord", "100005", "p-carl", "Carl Holm", "100003", APRIL_1))
    assert err.value.rule == "Membership 3"


def test_a_ydernummer_held_by_someone_else_cannot_be_opened_again(book: Book) -> None:
    with pytest.raises(RuleBroken, match="already held by p-anna"):
        book.feed(opened("100001", "p-eva", "Eva Friis", "klinik-nord", MARCH_1))


def test_a_repeated_report_of_an_opening_changes_nothing(book: Book) -> None:
    assert book.feed(opened("100001", "p-anna", "Anna Berg", "klinik-nord", MARCH_1)) == []


def test_ekm_moves_a_member_with_a_reason(book: Book) -> None:
    book.apply(cmd.CreateNetwork("aalborg-vest", "Aalborg Vest", "aalborg", MARCH_1))
    left, joined = book.apply(
        cmd.MoveMember("p-anna", "100001", "aalborg-vest", APRIL_1, "moved clinic across town")
    )
    assert isinstance(left, ev.MemberLeft)
    assert left.reason == "ekm_move"
    assert isinstance(joined, ev.MemberJoined)
    assert joined.note == "moved clinic across town"
    assert names(book, APRIL_1) == []
    assert [m.name for m in views.members_on(book.register, "aalborg-vest", APRIL_1)] == [
        "Anna Berg"
    ]


def test_a_removed_member_still_holding_a_ydernummer_waits_for_a_network(book: Book) -> None:
    book.apply(cmd.RemoveMember("p-anna", "100001", APRIL_1, "asked to change network"))
    assert names(book, APRIL_1) == []
    assert [h.name for h in views.awaiting(book.register, APRIL_1)] == ["Anna Berg"]


def test_assigning_someone_already_in_a_network_is_refused(book: Book) -> None:
    with pytest.raises(RuleBroken, match="already a member of aalborg-oest"):
        book.apply(cmd.AssignMember("aalborg-oest", "p-anna", "100001", MARCH_1, "again"))


def test_a_network_cannot_be_created_twice_or_in_a_retired_cluster(book: Book) -> None:
    with pytest.raises(AlreadyExists):
        book.apply(cmd.CreateNetwork("aalborg-oest", "Aalborg Øst", "aalborg", MARCH_1))
    book.apply(cmd.RetireCluster("aalborg", MARCH_1))
    with pytest.raises(RuleBroken, match="retired") as err:
        book.apply(cmd.CreateNetwork("aalborg-syd", "Aalborg Syd", "aalborg", MARCH_1))
    assert err.value.rule == "Membership 5"
    with pytest.raises(NotFound, match="no cluster 'nowhere'"):
        book.apply(cmd.CreateNetwork("x", "X", "nowhere", MARCH_1))


def test_clusters_are_data_ekm_can_add_and_rename(book: Book) -> None:
    book.apply(cmd.AddCluster("vejle", "Vejle", MARCH_1))
    book.apply(cmd.RenameCluster("vejle", "Vejle og Fredericia", APRIL_1))
    assert book.register.clusters["vejle"] == ("Vejle og Fredericia", False)


def test_assigning_someone_whose_membership_starts_later_is_refused() -> None:
    book = Book()
    book.feed(opened("100009", "p-ole", "Ole Dam", "klinik-ny", MARCH_1))
    book.apply(cmd.AssignMember("aalborg-oest", "p-ole", "100009", APRIL_1, "from April"))
    with pytest.raises(RuleBroken, match="already a member of aalborg-oest from 2025-04-01"):
        book.apply(cmd.AssignMember("aalborg-oest", "p-ole", "100009", MARCH_1, "from March"))


def test_a_person_is_a_member_of_one_network_at_a_time(book: Book) -> None:
    """Membership 10: Anna (100001 in Aalborg Øst) opens 500001 at a clinic in Aalborg Vest:
    she stays where she is, and the opening goes to EKM's unresolved list."""
    book.apply(cmd.CreateNetwork("aalborg-vest", "Aalborg Vest", "aalborg", JAN_1))
    book.feed(opened("200001", "p-vera", "Vera Vest", "klinik-vest", JAN_1))
    book.apply(cmd.AssignMember("aalborg-vest", "p-vera", "200001", JAN_1, "new clinic"))
    change = opened("500001", "p-anna", "Anna Berg", "klinik-vest", MARCH_1, "renter")
    with pytest.raises(RuleBroken, match="p-anna is already a member of aalborg-oest") as err:
        book.feed(change)
    assert err.value.rule == "Membership 10"
    [rejected] = feed.decision(change, REGION, "/region/nordjylland#42")(book.register)
    assert isinstance(rejected, ev.RegionChangeRejected)
    assert "already a member of aalborg-oest on 2025-03-01" in rejected.reason
    assert [m.name for m in views.members_on(book.register, "aalborg-vest", MARCH_1)] == [
        "Vera Vest"
    ]
    book.feed(opened("500002", "p-anna", "Anna Berg", "klinik-ny", MARCH_1))
    with pytest.raises(RuleBroken, match="a person is in one network at a time") as err:
        book.apply(cmd.AssignMember("aalborg-vest", "p-anna", "500002", MARCH_1, "by hand"))
    assert err.value.rule == "Membership 10"


def test_a_sharer_who_stops_leaves_and_ekm_can_end_a_holding_by_hand(book: Book) -> None:
    """Membership 11: the region's YdernummerUnshared ends one sharer's membership that day;
    EKM's "end holding" takes a removed member off the waiting list."""
    book.feed(shared("100001", "p-qvist", "Quinn Qvist", JAN_1))
    [left] = book.feed(
        rg.YdernummerUnshared(**stamp(APRIL_1), ydernummer="100001", person_id="p-qvist")
    )
    assert isinstance(left, ev.MemberLeft)
    assert left.reason == "ydernummer_unshared"
    assert names(book, MARCH_1) == ["Anna Berg", "Quinn Qvist"]
    assert names(book, APRIL_1) == ["Anna Berg"]
    with pytest.raises(RuleBroken, match="only holder of ydernummer 100001") as err:
        book.feed(rg.YdernummerUnshared(**stamp(MAY_1), ydernummer="100001", person_id="p-anna"))
    assert err.value.rule == "Membership 11"
    with pytest.raises(RuleBroken, match="p-bo does not hold ydernummer 100001 on 2025-05-01"):
        book.feed(rg.YdernummerUnshared(**stamp(MAY_1), ydernummer="100001", person_id="p-bo"))
    book.apply(cmd.RemoveMember("p-anna", "100001", APRIL_1, "asked to leave"))
    assert [h.name for h in views.awaiting(book.register, MAY_1)] == ["Anna Berg"]
    book.apply(cmd.EndHolding("p-anna", "100001", MAY_1, "stopped practising"))
    assert views.awaiting(book.register, MAY_1) == []
    with pytest.raises(NotFound, match="p-anna holds no ydernummer 100001 on 2025-05-01"):
        book.apply(cmd.EndHolding("p-anna", "100001", MAY_1, "again"))


def test_renters_and_sharers_waiting_behind_an_owner_are_assigned_with_the_owner() -> None:
    book = Book()
    book.feed(opened("100009", "p-ole", "Ole Dam", "klinik-ny", MARCH_1))
    book.feed(shared("100009", "p-pia", "Pia Dam", MARCH_1))
    book.feed(opened("100010", "p-rut", "Rut Lejer", "klinik-ny", APRIL_1, "renter"))
    assert len(views.awaiting(book.register, APRIL_1)) == 3
    joins = book.apply(cmd.AssignMember("aalborg-oest", "p-ole", "100009", MARCH_1, "nærmest"))
    assert views.awaiting(book.register, APRIL_1) == []
    assert names(book, MARCH_1) == ["Ole Dam", "Pia Dam"]
    # the note is shown as it stands in the Danish annual status, and names no one
    assert [e.note for e in joins if isinstance(e, ev.MemberJoined)] == [
        "nærmest",
        "tildelt med ejeren af klinik klinik-ny (p-ole)",
        "tildelt med ejeren af klinik klinik-ny (p-ole)",
    ]
    assert names(book, APRIL_1) == ["Ole Dam", "Pia Dam", "Rut Lejer"]


def test_a_renter_at_a_clinic_split_between_two_networks_waits_for_ekm(book: Book) -> None:
    book.apply(cmd.CreateNetwork("aalborg-vest", "Aalborg Vest", "aalborg", JAN_1))
    book.feed(opened("100002", "p-bo", "Bo Lind", "klinik-nord", JAN_1))
    book.apply(cmd.MoveMember("p-bo", "100002", "aalborg-vest", MARCH_1, "lives in the west"))
    [waits] = book.feed(opened("100003", "p-eva", "Eva Friis", "klinik-nord", APRIL_1, "renter"))
    assert isinstance(waits, ev.MemberAwaitingAssignment)
    [row] = views.awaiting(book.register, APRIL_1)
    assert row.name == "Eva Friis"
    assert row.note == (
        "klinik klinik-nord har medlemmer i aalborg-oest og aalborg-vest den 01.04.2025: "
        "EKM afgør (Membership 2)"
    )
