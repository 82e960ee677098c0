"""Meetings as iCalendar (RFC 5545) with iTIP methods (RFC 5546): the whole plan to import
(METHOD:PUBLISH), and one meeting's invitation to send (METHOD:REQUEST while it takes place,
METHOD:CANCEL once cancelled), organised by the coordinator, with an ATTENDEE per member.

A meeting keeps one UID for good and its SEQUENCE rises with every change calendars show
(new time, place, topics, agenda, cancellation), so a calendar updates the entry it has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from kn_meetings.domain.model import Meeting, Plan

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PRODID = "-//Kvalitetsnet//meetings//DA"
UID_DOMAIN = "meetings.kvalitetsnet.dk"


@dataclass(frozen=True)
class Person:
    """Someone an invitation names: the register knows their id and name, no address."""

    person_id: str
    name: str


@dataclass(frozen=True)
class Addresses:
    """How a person's calendar address is written, from a template with {person_id}
    (setting KN_MEETINGS_ATTENDEE_ADDRESS): the register holds no e-mail addresses."""

    template: str

    def of(self, person: Person) -> vCalAddress:
        address = vCalAddress(self.template.format(person_id=person.person_id))
        address.params["CN"] = vText(person.name)
        return address


def plan_calendar(
    plans: Sequence[Plan], network: str, organizer: Person, addresses: Addresses, now: dt.datetime
) -> bytes:
    """The plans' meetings to import; a cancelled one stays, STATUS:CANCELLED."""
    calendar = _calendar(network, "PUBLISH")
    for plan in plans:
        for meeting in plan.meetings:
            calendar.add_component(_event(meeting, network, organizer, addresses, now))
    return _bytes(calendar)


def invitation(
    meeting: Meeting,
    network: str,
    organizer: Person,
    attendees: Sequence[Person],
    addresses: Addresses,
    now: dt.datetime,
) -> bytes:
    """One meeting's invitation to every member (and the coordinator, who chairs it):
    a request while it takes place, a cancellation once it is called off."""
    cancelled = meeting.status == "cancelled"
    calendar = _calendar(network, "CANCEL" if cancelled else "REQUEST")
    event = _event(meeting, network, organizer, addresses, now)
    invited = [organizer, *(p for p in attendees if p.person_id != organizer.person_id)]
    for person in invited:
        address = addresses.of(person)
        address.params["CUTYPE"] = vText("INDIVIDUAL")
        address.params["ROLE"] = vText("CHAIR" if person == organizer else "REQ-PARTICIPANT")
        if not cancelled:
            address.params["PARTSTAT"] = vText("NEEDS-ACTION")
            address.params["RSVP"] = vText("TRUE")
        event.add("attendee", address, encode=False)
    calendar.add_component(event)
    return _bytes(calendar)


def uid(meeting: Meeting) -> str:
    """The meeting's UID: the same in every invitation it ever gets."""
    return f"{meeting.network_id}.{meeting.meeting_id}@{UID_DOMAIN}"


def _calendar(network: str, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("x-wr-calname", f"Kvalitetsnetværk {network}")
    return calendar


def _bytes(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def _event(
    meeting: Meeting, network: str, organizer: Person, addresses: Addresses, now: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", dt.datetime.combine(meeting.date, meeting.starts, COPENHAGEN))
    event.add("dtend", dt.datetime.combine(meeting.date, meeting.ends, COPENHAGEN))
    event.add("summary", _summary(meeting, network))
    event.add("location", meeting.place)
    event.add("description", _description(meeting))
    event.add("organizer", addresses.of(organizer), encode=False)
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
