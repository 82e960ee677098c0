"""Topics that follow up an earlier meeting (DOMAIN Meetings 5, 8): named, checked, flagged."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

from kn_contracts.events.meetings import FollowUp
from kn_meetings.domain.errors import FOLLOW_UP, Invalid
from kn_meetings.domain.model import Meeting, Plan


def meetings_of(plans: Iterable[Plan]) -> dict[str, Meeting]:
    """A network's meetings by id, over the plan years given."""
    return {m.meeting_id: m for plan in plans for m in plan.meetings}


def referenced_years(follow_ups: Iterable[FollowUp]) -> set[int]:
    """The plan years of the meetings followed up (a meeting's id starts with its year)."""
    return {int(f.meeting_id[:4]) for f in follow_ups if f.meeting_id[:4].isdigit()}


def check(
    network_id: str,
    date: dt.date,
    topics: tuple[str, ...],
    follow_ups: tuple[FollowUp, ...],
    meetings: Mapping[str, Meeting],
) -> None:
    """Each follow-up names one of the meeting's topics and an earlier meeting of the
    network that takes place; how soon it follows is flagged, never refused."""
    for follow_up in follow_ups:
        if follow_up.topic not in topics:
            raise Invalid(FOLLOW_UP, f"'{follow_up.topic}' is not a topic of the meeting on "
                          f"{date}; name one of {list(topics)}")  # fmt: skip
        earlier = meetings.get(follow_up.meeting_id)
        if earlier is None:
            raise Invalid(FOLLOW_UP, f"network {network_id} has no meeting "
                          f"{follow_up.meeting_id} to follow up")  # fmt: skip
        if earlier.status == "cancelled":
            raise Invalid(FOLLOW_UP, f"meeting {earlier.meeting_id} was cancelled; follow up "
                          "a meeting that takes place")  # fmt: skip
        if earlier.date >= date:
            raise Invalid(FOLLOW_UP, f"meeting {earlier.meeting_id} on {earlier.date} is not "
                          f"before the meeting on {date} that would follow it up")  # fmt: skip


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months on (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def flags(plan: Plan, meetings: Mapping[str, Meeting], months: int) -> list[str]:
    """Meetings 8: a follow-up sooner than `months` after the meeting it follows up."""
    found = []
    for meeting in plan.meetings:
        if meeting.status == "cancelled":
            continue
        for follow_up in meeting.follow_ups:
            earlier = meetings.get(follow_up.meeting_id)
            if earlier is not None and meeting.date < months_later(earlier.date, months):
                found.append(
                    f"Meetings 8: '{follow_up.topic}' on {meeting.date} follows up meeting "
                    f"{earlier.meeting_id} of {earlier.date} sooner than {months} months "
                    f"after it; a follow-up is recommended at least {months} months later"
                )
    return found
