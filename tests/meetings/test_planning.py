"""Plans, meetings and their flags, through the handlers on an in-memory store."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kn_contracts.events.meetings import AgendaItem, MeetingRescheduled, MeetingScheduled
from kn_meetings import handlers
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeAgenda,
    MarkHeld,
    PlannedMeeting,
    RescheduleMeeting,
    ScheduleMeetings,
)
from kn_meetings.domain.errors import Conflict, Invalid
from kn_meetings.domain.year import YearView
from kn_meetings.entrypoints.schemas import MeetingIn
from kn_servicekit.errors import AccessDenied
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import NETWORK, SCHEME, TODAY, cause, planned

MARCH_12 = dt.date(2025, 3, 12)
SEPTEMBER_3 = dt.date(2025, 9, 3)


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


async def view(store: InMemoryEventStore, year: int = 2025, today: dt.date = TODAY) -> YearView:
    return await handlers.year_of_network(store, NETWORK, year, SCHEME, today)


def scheduled(store: InMemoryEventStore) -> list[MeetingScheduled]:
    return [e.event for e in store.all_events() if isinstance(e.event, MeetingScheduled)]


async def test_a_planned_meeting_starts_from_the_generic_agenda_with_its_timings(
    store: InMemoryEventStore,
) -> None:
    await planned(store, MARCH_12)
    [event] = scheduled(store)
    assert [(i.title, i.minutes) for i in event.agenda] == [
        ("Velkommen – siden sidst", 5),
        ("Kort oplæg om Rammer og aftaler", 10),
        ("2-3 sammen i grupper: drøftelse af erfaringer med Rammer og aftaler", 30),
        ("Plenumdiskussion", 30),
        ("Opsamling", 15),
        ("Pause, netværksdannelse, spisning, underskriv deltagerlisten", 30),
        ("Hvordan vil du/I følge op, når du/I kommer tilbage i klinikken", 35),
        ("Opsamling og målsætning + planlægning af næste møde", 20),
        ("Eventuelt", 0),
    ]


async def test_a_meeting_without_an_end_time_ends_when_its_agenda_does(
    store: InMemoryEventStore,
) -> None:
    await planned(store, MARCH_12)
    [event] = scheduled(store)
    assert (event.starts, event.ends) == (dt.time(17, 0), dt.time(19, 55))


async def test_the_meeting_is_kafka_keyed_by_its_network(store: InMemoryEventStore) -> None:
    await planned(store, MARCH_12)
    assert {e.key for e in store.all_events()} == {NETWORK}


async def test_a_year_with_fewer_than_two_meetings_is_flagged_not_refused(
    store: InMemoryEventStore,
) -> None:
    await planned(store, MARCH_12)
    flags = (await view(store)).flags
    assert flags == (
        "Meetings 6: 1 meeting(s) planned or held in 2025; the agreement asks for 2–4 a year",
    )


async def test_a_year_with_more_than_four_meetings_is_flagged(store: InMemoryEventStore) -> None:
    await planned(store, *(dt.date(2025, month, 10) for month in (2, 4, 6, 9, 11)))
    year = await view(store)
    assert year.meetings_planned == 5
    assert year.flags[0].startswith("Meetings 6: 5 meeting(s) planned or held in 2025")


async def test_a_year_with_two_to_four_meetings_has_no_flag(store: InMemoryEventStore) -> None:
    await planned(store, MARCH_12, SEPTEMBER_3)
    assert (await view(store)).flags == ()


async def test_a_cancelled_meeting_does_not_count_towards_the_year(
    store: InMemoryEventStore,
) -> None:
    first, _ = await planned(store, MARCH_12, SEPTEMBER_3)
    await handlers.cancel(store, CancelMeeting(NETWORK, first, "Lokalet er aflyst"), cause())
    year = await view(store)
    assert (year.meetings_planned, year.flags[0][:30]) == (1, "Meetings 6: 1 meeting(s) plann")


async def test_a_plan_may_cover_two_following_years(store: InMemoryEventStore) -> None:
    await planned(store, MARCH_12, SEPTEMBER_3, dt.date(2026, 3, 11), dt.date(2026, 9, 9))
    assert [(await view(store, y)).meetings_planned for y in (2025, 2026)] == [2, 2]


async def test_a_plan_over_years_that_do_not_follow_each_other_is_refused(
    store: InMemoryEventStore,
) -> None:
    cmd = ScheduleMeetings(NETWORK, (2025, 2027), ())
    with pytest.raises(Invalid, match=r"plan years \[2025, 2027\]") as refused:
        await handlers.schedule_meetings(store, cmd, cause(), SCHEME)
    assert refused.value.rule.startswith("Meetings 1")


async def test_a_meeting_dated_outside_the_plan_year_is_refused(
    store: InMemoryEventStore,
) -> None:
    meeting = PlannedMeeting(date=dt.date(2026, 1, 14), starts=dt.time(17), place="Aalborg")
    with pytest.raises(Invalid, match="2026-01-14 is outside the plan year"):
        await handlers.schedule_meetings(
            store, ScheduleMeetings(NETWORK, (2025,), (meeting,)), cause(), SCHEME
        )
    assert store.all_events() == []


async def test_rescheduling_outside_the_plan_year_is_refused(store: InMemoryEventStore) -> None:
    [meeting] = await planned(store, MARCH_12)
    with pytest.raises(Invalid, match="outside the plan year 2025"):
        await handlers.reschedule(
            store, RescheduleMeeting(NETWORK, meeting, date=dt.date(2026, 1, 7)), cause()
        )


async def test_rescheduling_keeps_the_meetings_length_and_counts_as_a_change(
    store: InMemoryEventStore,
) -> None:
    [meeting] = await planned(store, MARCH_12)
    cmd = RescheduleMeeting(NETWORK, meeting, date=dt.date(2025, 3, 19), starts=dt.time(16, 30))
    detail = await handlers.reschedule(store, cmd, cause())
    assert (detail.meeting.date, detail.meeting.starts, detail.meeting.ends) == (
        dt.date(2025, 3, 19), dt.time(16, 30), dt.time(19, 25),
    )  # fmt: skip
    assert isinstance(store.all_events()[-1].event, MeetingRescheduled)
    assert detail.meeting.meeting_id == "2025-03-12"


async def test_a_meeting_that_ends_before_it_starts_is_refused(store: InMemoryEventStore) -> None:
    meeting = PlannedMeeting(MARCH_12, dt.time(17), "Aalborg", ends=dt.time(16))
    with pytest.raises(Invalid, match="ends at 16:00, not after it starts at 17:00"):
        await handlers.schedule_meetings(
            store, ScheduleMeetings(NETWORK, (2025,), (meeting,)), cause(), SCHEME
        )


async def test_a_coordinator_acting_on_another_network_is_refused(
    store: InMemoryEventStore,
) -> None:
    with pytest.raises(
        AccessDenied, match="coordinator:esbjerg may not act for network aalborg-oest"
    ):
        await planned(store, MARCH_12, by=cause("coordinator:esbjerg"))
    assert store.all_events() == []


async def test_ekm_may_plan_for_any_network(store: InMemoryEventStore) -> None:
    assert await planned(store, MARCH_12, by=cause("ekm")) == ["2025-03-12"]


async def test_a_second_meeting_on_the_same_day_gets_its_own_id(
    store: InMemoryEventStore,
) -> None:
    await planned(store, MARCH_12)
    await planned(store, MARCH_12)
    assert [m.meeting_id for m in (await view(store)).meetings] == ["2025-03-12", "2025-03-12-2"]


async def test_an_edited_agenda_replaces_the_template(store: InMemoryEventStore) -> None:
    [meeting] = await planned(store, MARCH_12)
    agenda = (
        AgendaItem(title="Oplæg om rygsmerter", minutes=20),
        AgendaItem(title="Quiz", minutes=15),
    )
    detail = await handlers.change_agenda(store, ChangeAgenda(NETWORK, meeting, agenda), cause())
    assert (detail.agenda, detail.agenda_minutes) == (agenda, 35)


async def test_a_meeting_cannot_be_held_before_its_date(store: InMemoryEventStore) -> None:
    [meeting] = await planned(store, MARCH_12)
    with pytest.raises(Conflict, match="planned for 2025-03-12; it cannot be held before then"):
        await handlers.hold(store, MarkHeld(NETWORK, meeting), cause(today=dt.date(2025, 3, 11)))


async def test_a_cancelled_meeting_cannot_be_held(store: InMemoryEventStore) -> None:
    [meeting] = await planned(store, MARCH_12)
    await handlers.cancel(store, CancelMeeting(NETWORK, meeting, "Sygdom"), cause())
    with pytest.raises(Conflict, match="is cancelled; it cannot be held"):
        await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())


async def test_once_the_year_is_over_the_2_4_flag_counts_held_meetings_only(
    store: InMemoryEventStore,
) -> None:
    march, _ = await planned(store, MARCH_12, SEPTEMBER_3)  # September is never held
    await handlers.hold(store, MarkHeld(NETWORK, march), cause())
    during = await view(store, today=dt.date(2025, 12, 31))
    assert (during.year_over, during.flags) == (False, ())
    after = await view(store, today=dt.date(2026, 1, 1))
    assert (after.year_over, after.meetings_held) == (True, 1)
    assert after.flags == (
        "Meetings 6: 1 meeting(s) held in 2025; the agreement asks for 2–4 a year",
    )


@pytest.mark.parametrize("moment", ["17:00Z", "17:00+01:00"])
def test_a_meetings_time_is_local_and_one_with_an_offset_is_refused_naming_the_field(
    moment: str,
) -> None:
    with pytest.raises(ValidationError, match=r"without an offset, e\.g\. 17:00"):
        MeetingIn.model_validate({"date": "2025-03-12", "starts": moment, "place": "Aalborg"})
    assert MeetingIn.model_validate({"date": "2025-03-12", "starts": "17:00", "place": "A"})
