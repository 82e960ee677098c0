"""Decisions that put meetings in a network's plan for one or two years (Meetings 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from kn_contracts.events.meetings import MeetingScheduled, MeetingsEvent
from kn_meetings.domain import followups
from kn_meetings.domain.commands import PlannedMeeting, ScheduleMeetings
from kn_meetings.domain.errors import PLAN_YEAR, Invalid
from kn_meetings.domain.mandatory import MandatoryTopic, ensure_covers
from kn_meetings.domain.model import Plan, evolve
from kn_meetings.domain.scheme import Scheme, agenda_for, check_times, end_after
from kn_servicekit.access import may_act
from kn_servicekit.cause import Cause

MAX_PLAN_YEARS = 2  # Meetings 1: a plan for one or two years


def schedule(
    plans: Mapping[int, Plan],
    cmd: ScheduleMeetings,
    cause: Cause,
    scheme: Scheme,
    mandatory: Mapping[int, MandatoryTopic | None],
    earlier: Iterable[Plan] = (),
) -> dict[int, list[MeetingsEvent]]:
    """MeetingScheduled per meeting, grouped by plan year; every date inside the plan years.
    `earlier`: the network's plans of other years whose meetings a follow-up names."""
    may_act(cause.actor, cmd.network_id)
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
        event = _scheduled(current[year], planned, cause, scheme, mandatory.get(year))
        current[year] = evolve(current[year], event)
        decided[year].append(event)
    # Meetings 8: follow-ups may name meetings planned in the same command, in any order
    known = followups.meetings_of([*earlier, *current.values()])
    for events in decided.values():
        for e in events:
            assert isinstance(e, MeetingScheduled)
            followups.check(e.network_id, e.meeting_date, e.topics, e.follow_ups, known)
    return decided


def _scheduled(
    plan: Plan,
    planned: PlannedMeeting,
    cause: Cause,
    scheme: Scheme,
    mandatory: MandatoryTopic | None,
) -> MeetingScheduled:
    ensure_covers(planned.mandatory_topic_id, plan.year, mandatory)
    agenda = planned.agenda if planned.agenda is not None else agenda_for(scheme, planned.topics)
    ends = planned.ends or end_after(planned.starts, agenda)
    check_times(planned.starts, ends)
    return MeetingScheduled(
        **cause.stamp(cause.today),
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
        follow_ups=planned.follow_ups,
    )


def _new_id(plan: Plan, date: dt.date) -> str:
    """The meeting's id: its first date, numbered when a network meets twice that day."""
    base = date.isoformat()
    taken = {m.meeting_id for m in plan.meetings}
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
