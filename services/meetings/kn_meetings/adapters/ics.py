"""A network's meeting plan as iCalendar invitations (RFC 5545), one VEVENT per meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from kn_meetings.domain.model import Meeting, Plan

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PRODID = "-//Kvalitetsnet//meetings//DA"
UID_DOMAIN = "meetings.kvalitetsnet.dk"


def invitations(plans: Sequence[Plan], network_name: str | None, now: dt.datetime) -> bytes:
    """The plans' meetings; a cancelled one stays with STATUS:CANCELLED so calendars drop it."""
    network = network_name or (plans[0].network_id if plans else "")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Kvalitetsnetværk {network}")
    for plan in plans:
        for meeting in plan.meetings:
            calendar.add_component(_event(meeting, network, now))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def _event(meeting: Meeting, network: str, now: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{meeting.network_id}.{meeting.meeting_id}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", dt.datetime.combine(meeting.date, meeting.starts, COPENHAGEN))
    event.add("dtend", dt.datetime.combine(meeting.date, meeting.ends, COPENHAGEN))
    event.add("summary", _summary(meeting, network))
    event.add("location", meeting.place)
    event.add("description", _description(meeting))
    event.add("sequence", meeting.changes)
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    return event


def _summary(meeting: Meeting, network: str) -> str:
    topics = ", ".join(meeting.topics)
    return f"Kvalitetsnetværksmøde {network}" + (f": {topics}" if topics else "")


def _description(meeting: Meeting) -> str:
    lines = ["Dagsorden:"]
    clock = dt.datetime.combine(meeting.date, meeting.starts)
    for item in meeting.agenda:
        lines.append(f"{clock:%H:%M} {item.title} ({item.minutes} min.)")
        clock += dt.timedelta(minutes=item.minutes)
    return "\n".join(lines)
