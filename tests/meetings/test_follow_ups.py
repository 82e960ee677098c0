"""A topic may name the earlier meeting it follows up; sooner than six months is flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.meetings import FollowUp, MeetingScheduled
from kn_meetings import handlers
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeTopics,
    PlannedMeeting,
    ScheduleMeetings,
)
from kn_meetings.domain.errors import Invalid
from kn_meetings.domain.followups import months_later
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import NETWORK, NO_STATUS, SCHEME, TODAY, cause

PAIN = "Smertevurdering"


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


def meeting(day: dt.date, *follows: str, topics: tuple[str, ...] = (PAIN,)) -> PlannedMeeting:
    follow_ups = tuple(FollowUp(topic=PAIN, meeting_id=m) for m in follows)
    return PlannedMeeting(date=day, starts=dt.time(17), place="Klinik Nord", topics=topics,
                          follow_ups=follow_ups)  # fmt: skip


async def plan(store: InMemoryEventStore, *meetings: PlannedMeeting) -> None:
    years = tuple(sorted({m.date.year for m in meetings}))
    await handlers.schedule_meetings(store, ScheduleMeetings(NETWORK, years, meetings), cause(),
                                     SCHEME)  # fmt: skip


async def flags(store: InMemoryEventStore, year: int = 2025) -> tuple[str, ...]:
    return (await handlers.year_of_network(store, NETWORK, year, SCHEME, TODAY)).flags


async def test_a_follow_up_sooner_than_six_months_is_flagged_not_refused(
    store: InMemoryEventStore,
) -> None:
    await plan(store, meeting(dt.date(2025, 6, 4), "2025-03-12"), meeting(dt.date(2025, 3, 12)))
    assert await flags(store) == (
        "Meetings 8: 'Smertevurdering' on 2025-06-04 follows up meeting 2025-03-12 of "
        "2025-03-12 sooner than 6 months after it; a follow-up is recommended at least "
        "6 months later",
    )
    [follow_up] = [e.event for e in store.all_events()
                   if isinstance(e.event, MeetingScheduled) and e.event.follow_ups]  # fmt: skip
    assert follow_up.follow_ups == (FollowUp(topic=PAIN, meeting_id="2025-03-12"),)


async def test_a_follow_up_six_months_later_is_not_flagged(store: InMemoryEventStore) -> None:
    await plan(store, meeting(dt.date(2025, 3, 12)), meeting(dt.date(2025, 9, 12), "2025-03-12"))
    assert await flags(store) == ()


async def test_a_follow_up_may_name_a_meeting_of_the_year_before(
    store: InMemoryEventStore,
) -> None:
    await plan(store, meeting(dt.date(2025, 3, 12)), meeting(dt.date(2025, 11, 5)))
    await plan(store, meeting(dt.date(2026, 3, 4), "2025-11-05"), meeting(dt.date(2026, 9, 9)))
    [flag] = await flags(store, 2026)
    assert flag.startswith("Meetings 8: 'Smertevurdering' on 2026-03-04 follows up meeting "
                           "2025-11-05 of 2025-11-05 sooner than 6 months")  # fmt: skip


async def test_a_planned_meetings_topics_may_name_the_meeting_they_follow_up(
    store: InMemoryEventStore,
) -> None:
    await plan(store, meeting(dt.date(2025, 3, 12)), meeting(dt.date(2025, 5, 7)))
    cmd = ChangeTopics(NETWORK, "2025-05-07", (PAIN,),
                       follow_ups=(FollowUp(topic=PAIN, meeting_id="2025-03-12"),))  # fmt: skip
    detail = await handlers.change_topics(store, NO_STATUS, cmd, cause())
    assert detail.meeting.follow_ups == cmd.follow_ups
    assert (await flags(store))[0].startswith("Meetings 8: 'Smertevurdering' on 2025-05-07")


@pytest.mark.parametrize(
    ("follow_up", "refusal"),
    [
        (FollowUp(topic=PAIN, meeting_id="2025-01-08"), "aalborg-oest has no meeting 2025-01-08"),
        (FollowUp(topic=PAIN, meeting_id="2025-09-03"), "2025-09-03 on 2025-09-03 is not before"),
        (FollowUp(topic="Hold", meeting_id="2025-03-12"), "'Hold' is not a topic of the meeting"),
        (FollowUp(topic=PAIN, meeting_id="2025-02-05"), "meeting 2025-02-05 was cancelled"),
    ],
)  # fmt: skip
async def test_a_follow_up_names_an_earlier_meeting_of_the_network_and_one_of_its_topics(
    store: InMemoryEventStore, follow_up: FollowUp, refusal: str
) -> None:
    days = (dt.date(2025, 2, 5), dt.date(2025, 3, 12), dt.date(2025, 6, 4), dt.date(2025, 9, 3))
    await plan(store, *(meeting(d) for d in days))
    await handlers.cancel(store, CancelMeeting(NETWORK, "2025-02-05", "Sne"), cause())
    cmd = ChangeTopics(NETWORK, "2025-06-04", (PAIN,), follow_ups=(follow_up,))
    with pytest.raises(Invalid, match=refusal) as refused:
        await handlers.change_topics(store, NO_STATUS, cmd, cause())
    assert (
        refused.value.rule == "Meetings 8: a topic may follow up an earlier meeting of the network"
    )


def test_six_months_later_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_later(dt.date(2025, 3, 12), 6) == dt.date(2025, 9, 12)
    assert months_later(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_later(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
