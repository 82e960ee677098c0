"""Handlers for plans, meetings and the mandatory topic."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from kn_contracts.events.meetings import MeetingsEvent
from kn_meetings.domain import followups, mandatory, planning, scheduling
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeAgenda,
    ChangeTopics,
    MarkHeld,
    PublishMandatoryTopic,
    RescheduleMeeting,
    ScheduleMeetings,
)
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import Plan
from kn_meetings.domain.scheme import Scheme
from kn_meetings.domain.views import MeetingDetail, meeting_detail
from kn_meetings.domain.year import YearView, year_view
from kn_meetings.handlers.streams import (
    AnnualStatuses,
    load_mandatory,
    load_plan,
    load_plans,
    mandatory_of,
    plan_of,
    year_of,
)
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import Decided, decide_and_append


async def schedule_meetings(
    store: EventStore, cmd: ScheduleMeetings, cause: Cause, scheme: Scheme
) -> list[YearView]:
    """Plan meetings for one or two years; answer each year's view with its flags."""
    return [await _schedule_year(store, cmd, cause, scheme, y) for y in sorted(set(cmd.years))]


class _Around(NamedTuple):
    """What a plan year's decision reads besides its own plan."""

    plans: dict[int, Plan]  # the command's other plan years
    topics: dict[int, MandatoryTopic | None]  # every plan year's mandatory topic
    earlier: list[Plan]  # other years whose meetings a follow-up names (Meetings 8)


async def _schedule_year(
    store: EventStore, cmd: ScheduleMeetings, cause: Cause, scheme: Scheme, year: int
) -> YearView:
    """Each plan year is its own stream. Its decision checks the whole command (so a meeting
    refused in one year appends nothing in the other) and keeps this year's events."""
    years = sorted(set(cmd.years))
    named = followups.referenced_years(f for m in cmd.meetings for f in m.follow_ups)

    async def around(_: Plan) -> _Around:
        others = {y: await load_plan(store, cmd.network_id, y) for y in years if y != year}
        topics = {y: await load_mandatory(store, y) for y in years}
        return _Around(others, topics, await load_plans(store, cmd.network_id, named, years))

    def decide(plan: Plan, got: _Around) -> list[MeetingsEvent]:
        plans = {**got.plans, year: plan}
        return scheduling.schedule(plans, cmd, cause, scheme, got.topics, got.earlier)[year]

    decided = await decide_and_append(store, plan_of(cmd.network_id, year), decide, prepare=around)
    earlier = await load_plans(store, cmd.network_id, _followed(decided.state), [year])
    return year_view(decided.state, decided.prepared.topics[year], scheme, cause.today, earlier)


def _followed(plan: Plan) -> set[int]:
    """The plan years of the meetings the plan's follow-ups name."""
    return followups.referenced_years(f for m in plan.meetings for f in m.follow_ups)


async def year_of_network(
    store: EventStore, network_id: str, year: int, scheme: Scheme, today: dt.date
) -> YearView:
    """The year at a glance, as of today (the 2–4 flag counts held meetings once it is over)."""
    plan = await load_plan(store, network_id, year)
    earlier = await load_plans(store, network_id, _followed(plan), [year])
    return year_view(plan, await load_mandatory(store, year), scheme, today, earlier)


async def reschedule(store: EventStore, cmd: RescheduleMeeting, cause: Cause) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store, plan_of(cmd.network_id, year), lambda p: planning.reschedule(p, cmd, cause)
    )
    return await _detail(store, decided, cmd.meeting_id, year)


async def change_topics(
    store: EventStore, statuses: AnnualStatuses, cmd: ChangeTopics, cause: Cause
) -> MeetingDetail:
    """New topics, or a held meeting's corrected with a reason until the year's annual
    status is submitted; covering the mandatory topic needs that year's published one, a
    follow-up the meeting it names."""
    year = year_of(cmd.meeting_id)
    named = followups.referenced_years(cmd.follow_ups)

    async def around(plan: Plan) -> _Topics:
        return _Topics(
            await load_mandatory(store, year),
            await load_plans(store, cmd.network_id, named, [year]),
            await statuses.submitted(cmd.network_id, year),
        )

    def decide(plan: Plan, got: _Topics) -> list[MeetingsEvent]:
        known = followups.meetings_of([*got.earlier, plan])
        return planning.change_topics(plan, cmd, cause, got.topic, known, got.submitted)

    decided = await decide_and_append(store, plan_of(cmd.network_id, year), decide, prepare=around)
    return meeting_detail(decided.state, cmd.meeting_id, decided.prepared.topic)


class _Topics(NamedTuple):
    """What a topics decision reads besides its plan."""

    topic: MandatoryTopic | None  # the year's mandatory topic
    earlier: list[Plan]  # other years whose meetings a follow-up names
    submitted: bool  # the year's annual status is submitted (Meetings 7)


async def change_agenda(store: EventStore, cmd: ChangeAgenda, cause: Cause) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store, plan_of(cmd.network_id, year), lambda p: planning.change_agenda(p, cmd, cause)
    )
    return await _detail(store, decided, cmd.meeting_id, year)


async def cancel(store: EventStore, cmd: CancelMeeting, cause: Cause) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store, plan_of(cmd.network_id, year), lambda p: planning.cancel(p, cmd, cause)
    )
    return await _detail(store, decided, cmd.meeting_id, year)


async def hold(store: EventStore, cmd: MarkHeld, cause: Cause) -> MeetingDetail:
    year = year_of(cmd.meeting_id)
    decided = await decide_and_append(
        store, plan_of(cmd.network_id, year), lambda p: planning.hold(p, cmd, cause)
    )
    return await _detail(store, decided, cmd.meeting_id, year)


async def publish_mandatory_topic(
    store: EventStore, cmd: PublishMandatoryTopic, cause: Cause, scheme: Scheme
) -> MandatoryTopic:
    """EKM sets the year's mandatory topic (once)."""
    decided = await decide_and_append(
        store,
        mandatory_of(cmd.year),
        lambda existing: mandatory.publish(existing, cmd, cause, scheme),
    )
    assert decided.state is not None  # publish refuses or publishes
    return decided.state


async def _detail(
    store: EventStore, decided: Decided[Plan, None], meeting_id: str, year: int
) -> MeetingDetail:
    """The answer: the meeting as the command left it, with the year's mandatory topic."""
    return meeting_detail(decided.state, meeting_id, await load_mandatory(store, year))
