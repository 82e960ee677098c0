"""Decisions on a network's meeting plan: schedule, reschedule, topics, agenda, cancel, hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kn_contracts.events.meetings import (
    MeetingAgendaChanged,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingsEvent,
    MeetingTopicsChanged,
)
from kn_meetings.domain.access import ensure_may_act
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeAgenda,
    ChangeTopics,
    Context,
    MarkHeld,
    PlannedMeeting,
    RescheduleMeeting,
    ScheduleMeetings,
)
from kn_meetings.domain.errors import (
    HELD_ON_DATE,
    MANDATORY_TOPIC,
    PLAN_YEAR,
    PLANNED_ONLY,
    Conflict,
    Invalid,
)
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import Meeting, Plan, evolve
from kn_meetings.domain.scheme import Scheme, agenda_for, check_times, end_after

MAX_PLAN_YEARS = 2  # Meetings 1: a plan for one or two years


def schedule(
    plans: Mapping[int, Plan],
    cmd: ScheduleMeetings,
    ctx: Context,
    scheme: Scheme,
    mandatory: Mapping[int, MandatoryTopic | None],
) -> dict[int, list[MeetingsEvent]]:
    """MeetingScheduled per meeting, grouped by plan year; every date inside the plan years."""
    ensure_may_act(ctx, cmd.network_id)
    years = sorted(set(cmd.years))
    if not 1 <= len(years) <= MAX_PLAN_YEARS or years[-1] - years[0] >= MAX_PLAN_YEARS:
        raise Invalid(PLAN_YEAR, f"plan years {years} are not one year or two following years")
    decided: dict[int, list[MeetingsEvent]] = {year: [] for year in years}
    current = dict(plans)
    for planned in cmd.meetings:
        year = planned.date.year
        if year not in decided:
            raise Invalid(PLAN_YEAR, f"the meeting on {planned.date} is outside the plan "
                          f"year(s) {', '.join(map(str, years))}")  # fmt: skip
        event = _scheduled(current[year], planned, ctx, scheme, mandatory.get(year))
        current[year] = evolve(current[year], event)
        decided[year].append(event)
    return decided


def _scheduled(
    plan: Plan,
    planned: PlannedMeeting,
    ctx: Context,
    scheme: Scheme,
    mandatory: MandatoryTopic | None,
) -> MeetingScheduled:
    _ensure_mandatory(planned.mandatory_topic_id, plan.year, mandatory)
    agenda = planned.agenda if planned.agenda is not None else agenda_for(scheme, planned.topics)
    ends = planned.ends or end_after(planned.starts, agenda)
    check_times(planned.starts, ends)
    return MeetingScheduled(
        **ctx.stamp(ctx.today),
        meeting_id=_new_id(plan, planned.date),
        network_id=plan.network_id,
        plan_year=plan.year,
        meeting_date=planned.date,
        starts=planned.starts,
        ends=ends,
        place=planned.place,
        topics=planned.topics,
        mandatory_topic_id=planned.mandatory_topic_id,
        agenda=agenda,
    )


def _new_id(plan: Plan, date: dt.date) -> str:
    """The meeting's id: its first date, numbered when a network meets twice that day."""
    base = date.isoformat()
    taken = {m.meeting_id for m in plan.meetings}
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _ensure_mandatory(topic_id: str | None, year: int, mandatory: MandatoryTopic | None) -> None:
    if topic_id is None:
        return
    if mandatory is None:
        raise Invalid(MANDATORY_TOPIC, f"EKM has not published a mandatory topic for {year}")
    if topic_id != mandatory.topic_id:
        raise Invalid(MANDATORY_TOPIC, f"the mandatory topic of {year} is "
                      f"{mandatory.topic_id} ({mandatory.title}), not {topic_id}")  # fmt: skip


def _planned(plan: Plan, network_id: str, meeting_id: str, ctx: Context, doing: str) -> Meeting:
    ensure_may_act(ctx, network_id)
    meeting = plan.meeting(meeting_id)
    if meeting.status != "planned":
        raise Conflict(PLANNED_ONLY, f"meeting {meeting_id} is {meeting.status}; "
                       f"it cannot be {doing}")  # fmt: skip
    return meeting


def reschedule(plan: Plan, cmd: RescheduleMeeting, ctx: Context) -> list[MeetingsEvent]:
    """Move a planned meeting within its plan year, keeping its length unless told."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, ctx, "rescheduled")
    date = cmd.date or m.date
    if date.year != m.plan_year:
        raise Invalid(PLAN_YEAR, f"{date} is outside the plan year {m.plan_year} of meeting "
                      f"{m.meeting_id}; cancel it and plan a meeting in {date.year}")  # fmt: skip
    starts = cmd.starts or m.starts
    length = dt.datetime.combine(date, m.ends) - dt.datetime.combine(date, m.starts)
    ends = cmd.ends or (dt.datetime.combine(date, starts) + length).time()
    check_times(starts, ends)
    return [
        MeetingRescheduled(
            **ctx.stamp(ctx.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            meeting_date=date,
            starts=starts,
            ends=ends,
            place=cmd.place or m.place,
            reason=cmd.reason,
        )
    ]


def change_topics(
    plan: Plan, cmd: ChangeTopics, ctx: Context, mandatory: MandatoryTopic | None
) -> list[MeetingsEvent]:
    """New topics for a planned meeting; it may cover the year's mandatory topic."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, ctx, "given new topics")
    _ensure_mandatory(cmd.mandatory_topic_id, m.plan_year, mandatory)
    return [
        MeetingTopicsChanged(
            **ctx.stamp(ctx.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            topics=cmd.topics,
            mandatory_topic_id=cmd.mandatory_topic_id,
        )
    ]


def change_agenda(plan: Plan, cmd: ChangeAgenda, ctx: Context) -> list[MeetingsEvent]:
    """Replace a planned meeting's agenda (it started from the template)."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, ctx, "given a new agenda")
    return [
        MeetingAgendaChanged(
            **ctx.stamp(ctx.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            agenda=cmd.agenda,
        )
    ]


def cancel(plan: Plan, cmd: CancelMeeting, ctx: Context) -> list[MeetingsEvent]:
    """Call off a planned meeting."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, ctx, "cancelled")
    return [
        MeetingCancelled(
            **ctx.stamp(ctx.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            meeting_date=m.date,
            reason=cmd.reason,
        )
    ]


def hold(plan: Plan, cmd: MarkHeld, ctx: Context) -> list[MeetingsEvent]:
    """Record that a planned meeting took place; not before its date."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, ctx, "held")
    if m.date > ctx.today:
        raise Conflict(HELD_ON_DATE, f"meeting {m.meeting_id} is planned for {m.date}; "
                       f"it cannot be held before then (today is {ctx.today})")  # fmt: skip
    return [
        MeetingHeld(
            **ctx.stamp(m.date),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            place=m.place,
            topics=m.topics,
            mandatory_topic_id=m.mandatory_topic_id,
        )
    ]
