"""Handlers for plans, meetings and the mandatory topic."""

from __future__ import annotations

from functools import reduce

from kn_meetings.domain import mandatory, planning, scheduling
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeAgenda,
    ChangeTopics,
    Context,
    MarkHeld,
    PublishMandatoryTopic,
    RescheduleMeeting,
    ScheduleMeetings,
)
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import evolve
from kn_meetings.domain.scheme import Scheme
from kn_meetings.domain.views import MeetingDetail, YearView, meeting_detail, year_view
from kn_meetings.handlers.streams import (
    MANDATORY_KEY,
    change,
    load_mandatory,
    load_plan_at,
    mandatory_stream,
    plan_stream,
    year_of,
)
from kn_servicekit.eventstore import EventStore


async def schedule_meetings(
    store: EventStore, cmd: ScheduleMeetings, ctx: Context, scheme: Scheme
) -> list[YearView]:
    """Plan meetings for one or two years; answer each year's view with its flags."""
    years = sorted(set(cmd.years))
    loaded = {y: await load_plan_at(store, cmd.network_id, y) for y in years}
    topics = {y: await load_mandatory(store, y) for y in years}
    plans = {y: plan for y, (plan, _) in loaded.items()}
    decided = scheduling.schedule(plans, cmd, ctx, scheme, topics)
    for year, events in decided.items():
        stream = plan_stream(cmd.network_id, year)
        await store.append(stream, loaded[year][1], events, key=cmd.network_id)
    return [
        year_view(reduce(evolve, events, plans[year]), topics[year], scheme)
        for year, events in decided.items()
    ]


async def reschedule(store: EventStore, cmd: RescheduleMeeting, ctx: Context) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    plan = await change(store, cmd.network_id, year, lambda p: planning.reschedule(p, cmd, ctx))
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def change_topics(store: EventStore, cmd: ChangeTopics, ctx: Context) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    topic = await load_mandatory(store, year)
    plan = await change(
        store, cmd.network_id, year, lambda p: planning.change_topics(p, cmd, ctx, topic)
    )
    return meeting_detail(plan, cmd.meeting_id, topic)


async def change_agenda(store: EventStore, cmd: ChangeAgenda, ctx: Context) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    plan = await change(store, cmd.network_id, year, lambda p: planning.change_agenda(p, cmd, ctx))
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def cancel(store: EventStore, cmd: CancelMeeting, ctx: Context) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    plan = await change(store, cmd.network_id, year, lambda p: planning.cancel(p, cmd, ctx))
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def hold(store: EventStore, cmd: MarkHeld, ctx: Context) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    plan = await change(store, cmd.network_id, year, lambda p: planning.hold(p, cmd, ctx))
    return meeting_detail(plan, cmd.meeting_id, await load_mandatory(store, year))


async def publish_mandatory_topic(
    store: EventStore, cmd: PublishMandatoryTopic, ctx: Context, scheme: Scheme
) -> MandatoryTopic:
    """EKM sets the year's mandatory topic (once)."""
    stream = await store.read(mandatory_stream(cmd.year))
    existing = mandatory.current(e.event for e in stream.events)
    events = mandatory.publish(existing, cmd, ctx, scheme)
    await store.append(stream.stream_id, stream.version, events, key=MANDATORY_KEY)
    published = mandatory.current(events)
    assert published is not None
    return published
