"""Members, joins and leaves, and the coordinator role in the annual status (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events import membership as mb
from kn_reporting.domain.errors import NotFound
from tests.reporting import example as ex
from tests.reporting.fold import codes, figures_of, status_of

SOLD = dt.date(2025, 7, 1)


def test_members_on_1_january_and_31_december_follow_the_dates_not_the_arrival_order() -> None:
    joined = mb.MemberJoined(
        **ex.stamp(SOLD, "region:nordjylland"),
        network_id=ex.NETWORK,
        person_id="p-20",
        name="Karl Køber",
        ydernummer="400120",
        clinic_id="klinik-3",
        clinic_name="Klinik-3",
        role="owner",
        reason="sale",
    )
    sold = ex.left("p-08", SOLD, "sale")
    closed = ex.left("p-09", dt.date(2025, 12, 31), "ydernummer_closed")  # half-open: gone then
    # the close is reported late, after the year's end was already reported on
    for events in (
        [*ex.membership(), joined, sold, closed],
        [closed, *ex.membership(), sold, joined],
    ):
        members = figures_of(events).members
        assert (members.on_1_january, members.on_31_december) == (18, 17)
        assert [(j.name, j.reason) for j in members.joins] == [("Karl Køber", "sale")]
        assert [(x.name, x.reason, x.date) for x in members.leaves] == [
            ("Ejer Nummer 08", "sale", SOLD),
            ("Ejer Nummer 09", "ydernummer_closed", dt.date(2025, 12, 31)),
        ]


def test_a_person_with_two_ydernumre_in_the_network_is_one_member() -> None:
    second = mb.MemberJoined(
        **ex.stamp(ex.JOINED, "region:nordjylland"),
        network_id=ex.NETWORK,
        person_id="p-05",
        name="Ejer Nummer 05",
        ydernummer="400199",
        clinic_id="klinik-9",
        clinic_name="Klinik-9",
        role="owner",
        reason="region_feed",
    )
    members = figures_of([*ex.membership(), second]).members
    assert members.on_31_december == 18


def test_every_coordinator_change_is_stated_with_its_date() -> None:
    shared = mb.CoordinatorRoleShared(
        **ex.stamp(dt.date(2025, 9, 1)),
        network_id=ex.NETWORK,
        holders=ex.holders(ex.A, ex.B),
        payee_person_id=ex.B[0],
    )
    stepped = mb.CoordinatorSteppedDown(
        **ex.stamp(dt.date(2025, 11, 1)),
        network_id=ex.NETWORK,
        holders=ex.holders(ex.B),
        payee_person_id=ex.B[0],
        person_id=ex.A[0],
        reason="membership ended",
    )
    section = figures_of([*ex.membership(), shared, stepped]).coordinators
    assert [(s.start, s.until, s.change, [h.name for h in s.holders]) for s in section.spells] == [
        (ex.JAN_1, dt.date(2025, 5, 20), "CoordinatorElected", ["Anne Andersen"]),
        (dt.date(2025, 5, 20), dt.date(2025, 9, 1), "CoordinatorChanged", ["Bo Bech"]),
        (
            dt.date(2025, 9, 1),
            dt.date(2025, 11, 1),
            "CoordinatorRoleShared",
            ["Anne Andersen", "Bo Bech"],
        ),
        (dt.date(2025, 11, 1), None, "CoordinatorSteppedDown", ["Bo Bech"]),
    ]
    assert section.spells[-1].note == "membership ended"
    # Coordinator 3, 5: both served the shared months; B was paid for them
    assert [(m.name, m.served, m.paid) for m in section.months] == [
        ("Anne Andersen", 6, 4),
        ("Bo Bech", 8, 8),
    ]


def test_a_restated_history_replaces_the_spells_from_its_date() -> None:
    restated = mb.CoordinatorSpellsRestated(
        **ex.stamp(dt.date(2025, 4, 1)),
        network_id=ex.NETWORK,
        spells=(
            mb.RestatedSpell(
                start=dt.date(2025, 4, 1), holders=ex.holders(ex.B), payee_person_id=ex.B[0]
            ),
        ),
        reason="B tog over 1. april, ikke 20. maj",
    )
    section = figures_of([*ex.membership(), restated]).coordinators
    assert [(s.start, s.change) for s in section.spells] == [
        (ex.JAN_1, "CoordinatorElected"),
        (dt.date(2025, 4, 1), "CoordinatorSpellsRestated"),
    ]
    assert section.spells[1].note == "B tog over 1. april, ikke 20. maj"
    assert [(m.person_id, m.paid) for m in section.months] == [(ex.A[0], 3), (ex.B[0], 9)]


def test_months_without_a_coordinator_are_flagged() -> None:
    vacant = mb.CoordinatorSteppedDown(
        **ex.stamp(dt.date(2025, 3, 10)),
        network_id=ex.NETWORK,
        holders=(),
        payee_person_id=None,
        person_id=ex.A[0],
    )
    events = [*ex.membership()[:-1], vacant, ex.membership()[-1]]
    status = status_of(events)
    assert status.figures.coordinators.months_without == (3, 4)
    [flag] = [f for f in status.flags if f.code == "months_without_coordinator"]
    assert flag.dansk == "Ingen koordinator i 2 måned(er): marts, april"
    assert "months_without_coordinator" not in codes(status_of(ex.membership()))


def test_during_the_year_only_the_months_ended_so_far_count() -> None:
    events = [*ex.membership()[:-2], ex.membership()[-1]]  # B from 20 May, nobody before
    section = figures_of(events, today=dt.date(2025, 6, 15)).coordinators
    assert section.months_without == (1, 2, 3, 4)
    assert [(m.person_id, m.served) for m in section.months] == [(ex.B[0], 1)]
    assert section.counted_until == dt.date(2025, 6, 15)


def test_coordinator_requests_count_for_nothing_until_ekm_confirms_them() -> None:
    request = mb.CoordinatorActRequested(
        **ex.stamp(dt.date(2025, 8, 1), "coordinator:aalborg-oest"),
        network_id=ex.NETWORK,
        request=1,
        act="change",
        person_ids=("p-05",),
    )
    section = figures_of([*ex.membership(), request]).coordinators
    assert [h.person_id for s in section.spells for h in s.holders] == [ex.A[0], ex.B[0]]


def test_a_network_membership_never_published_is_not_found() -> None:
    with pytest.raises(NotFound, match="no network 'ukendt'"):
        figures_of(ex.membership(), network="ukendt")
