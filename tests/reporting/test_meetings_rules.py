"""The annual status's meeting figures and flags, one test per DOMAIN rule (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from kn_contracts.events import meetings as me
from tests.reporting import example as ex
from tests.reporting.fold import codes, figures_of, status_of

BASE = [*ex.membership(), *ex.meetings()]
JUNE = dt.date(2025, 6, 15)


def test_during_the_year_planned_meetings_count_and_after_it_held_ones_only() -> None:
    planned = [*BASE, *ex.meeting("2025-10-01-1", dt.date(2025, 10, 1), held=False)]
    assert "too_few_meetings" not in codes(status_of(planned, today=JUNE))  # Meetings 6
    after = status_of(planned)
    assert "too_few_meetings" in codes(after)
    assert after.flags[0].text == "below 2 meetings: 1 held in 2025"


def test_more_than_four_meetings_is_flagged_not_refused() -> None:
    more = [
        *BASE,
        *(e for m in range(4, 8) for e in ex.meeting(f"2025-0{m}-02-1", dt.date(2025, m, 2))),
    ]
    status = status_of(more)
    assert status.figures.meeting_count.held == 5
    assert [f.text for f in status.flags] == ["above 4 meetings: 5 held in 2025"]


def test_a_cancelled_meeting_does_not_count() -> None:
    cancelled = me.MeetingCancelled(
        **ex.stamp(JUNE, "coordinator:aalborg-oest"),
        meeting_id="2025-10-01-1",
        network_id=ex.NETWORK,
        meeting_date=dt.date(2025, 10, 1),
        reason="for få tilmeldte",
    )
    events = [*BASE, *ex.meeting("2025-10-01-1", dt.date(2025, 10, 1), held=False), cancelled]
    status = status_of(events, today=JUNE)
    assert status.figures.meeting_count.planned_or_held == 1
    assert status.figures.meetings[1].status == "cancelled"


def test_the_mandatory_topic_missing_from_every_held_meeting_is_flagged() -> None:
    uncovered = me.MeetingTopicsChanged(
        **ex.stamp(JUNE, "coordinator:aalborg-oest"),
        meeting_id=ex.MEETING,
        network_id=ex.NETWORK,
        topics=("Rammer og aftaler",),
        reason="forkert emne",
    )
    status = status_of([*BASE, uncovered])
    assert status.figures.mandatory_topic.status == "not_planned"
    assert "mandatory_topic_missing" in codes(status)  # Meetings 2
    covered_later = [
        *BASE,
        uncovered,
        *ex.meeting("2025-09-01-1", dt.date(2025, 9, 1), mandatory=True),
    ]
    assert "mandatory_topic_missing" not in codes(status_of(covered_later))


def test_a_held_meetings_topics_corrected_after_it_count_as_corrected() -> None:
    tagged = me.MeetingTopicsChanged(
        **ex.stamp(JUNE, "coordinator:aalborg-oest"),
        meeting_id="2025-09-01-1",
        network_id=ex.NETWORK,
        topics=("Journalføring", ex.TOPIC[1]),
        mandatory_topic_id=ex.TOPIC[0],
        reason="glemt at markere",
    )
    events = [*BASE, *ex.meeting("2025-09-01-1", dt.date(2025, 9, 1)), tagged]
    later = figures_of(events).meetings[1]
    assert later.covers_mandatory_topic  # Meetings 7
    assert later.topics == ("Journalføring", ex.TOPIC[1])


def test_a_held_meeting_whose_list_was_not_sent_is_flagged() -> None:
    status = status_of([*BASE, *ex.meeting("2025-09-01-1", dt.date(2025, 9, 1), listed=False)])
    [flag] = [f for f in status.flags if f.code == "lists_not_sent"]
    assert flag.rule == "Meetings 3"
    assert "2025-09-01" in flag.text
    assert status.figures.meetings[1].attendance is None


def test_the_latest_list_revision_wins_whatever_order_it_arrived_in() -> None:
    fewer = tuple(a for a in ex.LIST if a.person_id != "p-13")
    corrected = me.AttendanceCorrected(
        **ex.stamp(JUNE, "meetings"),
        meeting_id=ex.MEETING,
        network_id=ex.NETWORK,
        meeting_date=ex.MARCH_12,
        revision=2,
        attendees=fewer,
        reason="p-13 gik før tid",
    )
    [first, held, recorded] = ex.meetings()[1:]
    for order in ([first, held, recorded, corrected], [first, held, corrected, recorded]):
        [meeting] = figures_of([*ex.membership(), ex.meetings()[0], *order]).meetings
        assert meeting.list_revision == 2
        assert meeting.attendance is not None
        assert meeting.attendance.member_owner == 13
        assert "p-13" in [p.person_id for p in meeting.absent]


def test_members_absent_from_every_held_meeting_are_listed_and_later_joiners_are_not() -> None:
    newcomer = ex.joined("p-19", "Nina Ny", on=dt.date(2025, 10, 1))
    stayed = [a for a in ex.LIST if a.person_id != "p-01"]
    second = (*stayed, ex.line(17, "p-15", "Ejer Nummer 15", "member_owner"))
    events = [*BASE, newcomer, *ex.meeting("2025-09-01-1", dt.date(2025, 9, 1), attendees=second)]
    f = figures_of(events)
    assert [p.person_id for p in f.meetings[1].absent] == ["p-01", "p-16", "p-17", "p-18"]
    assert [p.name for p in f.members_at_no_meeting] == [
        "Ejer Nummer 16",
        "Ejer Nummer 17",
        "Ejer Nummer 18",
    ]
    assert (f.attendances, f.possible_attendances) == (28, 36)


def test_a_meeting_of_another_plan_year_is_not_in_the_years_status() -> None:
    events = [*BASE, *ex.meeting("2026-02-01-1", dt.date(2026, 2, 1))]
    assert [m.meeting_id for m in figures_of(events).meetings] == [ex.MEETING]


def test_the_figures_do_not_depend_on_how_the_topics_interleaved() -> None:
    one = status_of([*ex.membership(), *ex.meetings(), *ex.finance()])
    other = status_of([*ex.finance(), *ex.meetings(), *ex.membership()])
    assert one.figures_sha256 == other.figures_sha256  # DOMAIN "Annual status", audit
    assert dataclasses.asdict(one) == dataclasses.asdict(other)
