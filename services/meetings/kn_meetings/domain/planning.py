"""Decisions on a planned meeting: reschedule, topics, agenda, cancel, hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kn_contracts.events.meetings import (
    MeetingAgendaChanged,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingsEvent,
    MeetingTopicsChanged,
)
from kn_meetings.domain import followups
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeAgenda,
    ChangeTopics,
    MarkHeld,
    RescheduleMeeting,
)
from kn_meetings.domain.errors import (
    HELD_ON_DATE,
    PLAN_YEAR,
    PLANNED_ONLY,
    TOPICS_AFTER,
    Conflict,
    Invalid,
)
from kn_meetings.domain.mandatory import MandatoryTopic, ensure_covers
from kn_meetings.domain.model import Meeting, Plan
from kn_meetings.domain.scheme import check_times
from kn_servicekit.access import may_act
from kn_servicekit.cause import Cause


def _planned(plan: Plan, network_id: str, meeting_id: str, cause: Cause, doing: str) -> Meeting:
    may_act(cause.actor, network_id)
    meeting = plan.meeting(meeting_id)
    if meeting.status != "planned":
        raise Conflict(PLANNED_ONLY, f"meeting {meeting_id} is {meeting.status}; "
                       f"it cannot be {doing}")  # fmt: skip
    return meeting


def reschedule(plan: Plan, cmd: RescheduleMeeting, cause: Cause) -> list[MeetingsEvent]:
    """Move a planned meeting within its plan year, keeping its length unless told."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, cause, "rescheduled")
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
            **cause.stamp(cause.today),
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
    plan: Plan,
    cmd: ChangeTopics,
    cause: Cause,
    mandatory: MandatoryTopic | None,
    meetings: Mapping[str, Meeting],
    annual_status_submitted: bool = False,
) -> list[MeetingsEvent]:
    """New topics for a planned meeting, or a held meeting's topics corrected with a reason
    (Meetings 7); they may cover the mandatory topic and follow up earlier meetings
    (`meetings`: the network's meetings by id, over the plan years the follow-ups name)."""
    may_act(cause.actor, cmd.network_id)
    m = plan.meeting(cmd.meeting_id)
    if m.status == "cancelled":
        raise Conflict(PLANNED_ONLY, f"meeting {m.meeting_id} is cancelled; its topics "
                       "cannot change")  # fmt: skip
    if m.status == "held" and not cmd.reason:
        raise Invalid(TOPICS_AFTER, f"{m.named} was held; correct its topics with a reason")
    if m.status == "held" and annual_status_submitted:
        raise Conflict(TOPICS_AFTER, f"the annual status of {m.plan_year} is submitted; the "
                       f"topics of {m.named} can no longer be corrected")  # fmt: skip
    ensure_covers(cmd.mandatory_topic_id, m.plan_year, mandatory)
    followups.check(m.network_id, m.date, cmd.topics, cmd.follow_ups, meetings)
    return [
        MeetingTopicsChanged(
            **cause.stamp(cause.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            topics=cmd.topics,
            mandatory_topic_id=cmd.mandatory_topic_id,
            follow_ups=cmd.follow_ups,
            reason=cmd.reason if m.status == "held" else None,
        )
    ]


def change_agenda(plan: Plan, cmd: ChangeAgenda, cause: Cause) -> list[MeetingsEvent]:
    """Replace a planned meeting's agenda (it started from the template)."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, cause, "given a new agenda")
    return [
        MeetingAgendaChanged(
            **cause.stamp(cause.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            agenda=cmd.agenda,
        )
    ]


def cancel(plan: Plan, cmd: CancelMeeting, cause: Cause) -> list[MeetingsEvent]:
    """Call off a planned meeting."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, cause, "cancelled")
    return [
        MeetingCancelled(
            **cause.stamp(cause.today),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            meeting_date=m.date,
            reason=cmd.reason,
        )
    ]


def hold(plan: Plan, cmd: MarkHeld, cause: Cause) -> list[MeetingsEvent]:
    """Record that a planned meeting took place; not before its date."""
    m = _planned(plan, cmd.network_id, cmd.meeting_id, cause, "held")
    if m.date > cause.today:
        raise Conflict(HELD_ON_DATE, f"meeting {m.meeting_id} is planned for {m.date}; "
                       f"it cannot be held before then (today is {cause.today})")  # fmt: skip
    return [
        MeetingHeld(
            **cause.stamp(m.date),
            meeting_id=m.meeting_id,
            network_id=m.network_id,
            place=m.place,
            topics=m.topics,
            mandatory_topic_id=m.mandatory_topic_id,
        )
    ]
