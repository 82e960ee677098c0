"""The national overview's anonymity policy (DOMAIN "Annual status"): no clinic or person
named outside its network, no figure drawn from fewer than 5 clinics, quartiles of the
others only from enough networks (pure)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from pydantic_core import to_jsonable_python

from kn_contracts.base import Event
from kn_contracts.events import membership as mb
from kn_reporting.domain.overview import Overview, overview
from kn_reporting.domain.table import table
from tests.reporting.example import stamp
from tests.reporting.fold import AFTER, status_of
from tests.reporting.networks import CLUSTERS, network

SHOWN = [
    ("vest", "Aalborg Vest", 6, 10),
    ("syd", "Aalborg Syd", 5, 12),
    ("nord", "Aalborg Nord", 8, 20),
    ("hjerting", "Hjerting", 5, 8),
    ("ribe", "Ribe", 7, 16),
]
SMALL = ("fanoe", "Fanø", 4, 9)  # four clinics: nothing of it may be shown to others


def networks(rows: Sequence[tuple[str, str, int, int]]) -> list[Event]:
    return [
        *CLUSTERS,
        *(
            e
            for nid, name, clinics, members in rows
            for e in network(
                nid,
                name,
                "esbjerg" if nid in ("hjerting", "ribe", "fanoe") else "aalborg",
                clinics=clinics,
                members=members,
            )
        ),
    ]


def view(
    rows: Sequence[tuple[str, str, int, int]],
    viewer: str = "ekm",
    own: str | None = None,
    min_networks: int = 5,
) -> Overview:
    events = networks(rows)
    statuses = [status_of(events, network=nid) for nid, *_ in rows]
    return overview(statuses, 2025, viewer, own, 5, min_networks)


def test_a_network_of_fewer_than_5_clinics_is_shown_to_nobody_else_and_left_out_of_totals() -> None:
    seen = view([*SHOWN, SMALL])
    [esbjerg] = [c for c in seen.clusters if c.cluster_id == "esbjerg"]
    [fanoe] = [r for r in esbjerg.networks if r.network_id == "fanoe"]
    assert fanoe.figures is None
    assert fanoe.hidden == "drawn from 4 clinic(s), fewer than 5: not shown"
    assert esbjerg.hidden_networks == 1
    assert esbjerg.totals is not None
    assert esbjerg.totals.members == 8 + 16  # Fanø's 9 cannot be had by difference
    assert seen.national is not None
    assert seen.national.members == 10 + 12 + 20 + 8 + 16


def test_ekm_sees_each_network_that_may_be_shown_and_its_cluster() -> None:
    seen = view(SHOWN)
    assert [(c.name, [r.name for r in c.networks]) for c in seen.clusters] == [
        ("Aalborg", ["Aalborg Nord", "Aalborg Syd", "Aalborg Vest"]),
        ("Esbjerg", ["Hjerting", "Ribe"]),
    ]
    [nord] = [r for r in seen.clusters[0].networks if r.network_id == "nord"]
    assert nord.figures is not None
    assert (nord.figures.members, nord.figures.meetings_held, nord.figures.attendance_rate) == (
        20,
        2,
        30.0,
    )


def test_a_coordinator_sees_their_network_beside_quartiles_of_the_others_only() -> None:
    seen = view([*SHOWN, SMALL, ("vejle", "Vejle", 6, 14)], viewer="coordinator:fanoe", own="fanoe")
    assert seen.clusters == ()
    assert seen.national is None
    assert seen.own_network is not None
    assert seen.own_network.figures is not None  # its own figures, whatever its size
    assert seen.own_network.figures.members == 9
    assert seen.quartiles is not None
    assert seen.quartiles.networks == 6
    assert (
        seen.quartiles.members.q1,
        seen.quartiles.members.median,
        seen.quartiles.members.q3,
    ) == (
        10.5,
        13.0,
        15.5,
    )
    words = json.dumps(to_jsonable_python(seen), ensure_ascii=False) + repr(table(seen))
    for name in ("Aalborg Vest", "Ribe", "Vejle", "Klinik", "Fysioterapeut Ribe", "hjerting"):
        assert name not in words


def test_quartiles_are_not_shown_from_fewer_networks_than_the_policy_asks() -> None:
    seen = view([*SHOWN[:4], SMALL], viewer="coordinator:vest", own="vest")
    assert seen.quartiles is None  # three others may be shown, the small one may not
    assert (
        seen.quartiles_hidden
        == "quartiles need at least 5 other networks that may be shown; there are 3"
    )
    _headers, rows = table(seen)
    assert rows[-1][3] == f"ikke vist: {seen.quartiles_hidden}"


def test_the_exported_table_has_danish_headers_and_hides_what_may_not_be_shown() -> None:
    headers, rows = table(view([*SHOWN, SMALL]))
    assert headers[:6] == (
        "Klynge",
        "Netværk",
        "Antal netværk",
        "Medlemmer 31. december",
        "Møder afholdt",
        "Fremmøde (%)",
    )
    [fanoe] = [r for r in rows if r[1] == "Fanø"]
    assert fanoe[3] == "skjult: færre end 5 klinikker"
    assert set(fanoe[4:10]) == {None}
    assert [r[1] for r in rows if r[0] == "Esbjerg" and str(r[1]).startswith("I alt")] == [
        "I alt (1 skjult)"
    ]
    assert [r[1] for r in rows if r[0] == "Alle viste netværk"] == [
        "1. kvartil",
        "Median",
        "3. kvartil",
    ]


def _joins(person: str, clinic: str, on: dt.date) -> mb.MemberJoined:
    return mb.MemberJoined(**stamp(on, "ekm"), network_id="fanoe", person_id=person,
                           name=f"Fysioterapeut {person}", ydernummer="599999", clinic_id=clinic,
                           clinic_name=f"Klinik {clinic}", role="owner",
                           reason="region_feed")  # fmt: skip


def _leaves(person: str, clinic: str, on: dt.date, ydernummer: str = "599999") -> mb.MemberLeft:
    return mb.MemberLeft(**stamp(on), network_id="fanoe", person_id=person,
                         ydernummer=ydernummer, clinic_id=clinic, reason="ekm_removal")  # fmt: skip


def _fanoe_shown(extra: Sequence[Event], today: dt.date = AFTER) -> bool:
    events = [*networks([*SHOWN, SMALL]), *extra]
    statuses = [status_of(events, today=today, network=nid) for nid, *_ in [*SHOWN, SMALL]]
    seen = overview(statuses, 2025, "ekm", None, 5, 5)
    [fanoe] = [r for c in seen.clusters for r in c.networks if r.network_id == "fanoe"]
    return fanoe.figures is not None


def test_a_fifth_clinic_that_was_a_member_for_a_day_makes_no_small_network_anonymous() -> None:
    assert not _fanoe_shown([])
    june = dt.date(2025, 6, 1)
    assert not _fanoe_shown([_joins("x1", "k-other", june), _leaves("x1", "k-other", june)])
    a_day = [_joins("x1", "k-other", june), _leaves("x1", "k-other", june + dt.timedelta(1))]
    assert not _fanoe_shown(a_day)
    # a fifth clinic on 31 December and at every meeting: its figures are from five
    assert _fanoe_shown([_joins("x1", "k-other", dt.date(2025, 1, 1))])


def test_a_join_recorded_ahead_makes_no_figure_of_today_anonymous() -> None:
    december = [_joins("x1", "k-other", dt.date(2025, 12, 1))]
    assert not _fanoe_shown(december, today=dt.date(2025, 3, 20))


def test_a_network_whose_clinics_left_early_in_the_year_is_not_shown_by_its_first_day() -> None:
    rest = [e for e in network("fanoe", "Fanø", "esbjerg", clinics=4, members=9)
            if isinstance(e, mb.MemberJoined) and e.clinic_id != "fanoe-k0"]  # fmt: skip
    february = dt.date(2025, 2, 1)
    gone = [_leaves(e.person_id, e.clinic_id, february, e.ydernummer) for e in rest]
    fifth = [_joins("y1", "k-fifth", dt.date(2024, 11, 1)), _leaves("y1", "k-fifth", february)]
    assert not _fanoe_shown([*fifth, *gone])  # five on 1 January, one from February
