"""Handlers: load the stream, decide, append. One network-year plan is one stream."""

from kn_meetings.handlers.attendance import check_in, close_attendance, correct_attendance
from kn_meetings.handlers.planning import (
    cancel,
    change_agenda,
    change_topics,
    hold,
    publish_mandatory_topic,
    reschedule,
    schedule_meetings,
    year_of_network,
)
from kn_meetings.handlers.streams import MembershipDirectory, load_mandatory, load_plan, year_of

__all__ = [
    "MembershipDirectory",
    "cancel",
    "change_agenda",
    "change_topics",
    "check_in",
    "close_attendance",
    "correct_attendance",
    "hold",
    "load_mandatory",
    "load_plan",
    "publish_mandatory_topic",
    "reschedule",
    "schedule_meetings",
    "year_of",
    "year_of_network",
]
