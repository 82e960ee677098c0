"""Commands (imperative, frozen); the cause each carries is kn_servicekit.cause.Cause."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.events.meetings import AgendaItem, FollowUp


@dataclass(frozen=True)
class PlannedMeeting:
    """One meeting of a plan; `ends` and `agenda` default from the agenda template."""

    date: dt.date
    starts: dt.time
    place: str
    topics: tuple[str, ...] = ()
    ends: dt.time | None = None
    mandatory_topic_id: str | None = None
    agenda: tuple[AgendaItem, ...] | None = None
    follow_ups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True)
class ScheduleMeetings:
    network_id: str
    years: tuple[int, ...]
    meetings: tuple[PlannedMeeting, ...]


@dataclass(frozen=True)
class RescheduleMeeting:
    network_id: str
    meeting_id: str
    date: dt.date | None = None
    starts: dt.time | None = None
    ends: dt.time | None = None
    place: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ChangeTopics:
    """New topics; for a held meeting a correction, with a reason (Meetings 7)."""

    network_id: str
    meeting_id: str
    topics: tuple[str, ...]
    mandatory_topic_id: str | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class ChangeAgenda:
    network_id: str
    meeting_id: str
    agenda: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class CancelMeeting:
    network_id: str
    meeting_id: str
    reason: str


@dataclass(frozen=True)
class MarkHeld:
    network_id: str
    meeting_id: str


@dataclass(frozen=True)
class ListedMember:
    """A member ticking themselves off the member list."""

    person_id: str


@dataclass(frozen=True)
class WrittenIn:
    """Someone not on the list writing themselves on it (DOMAIN Meetings 3)."""

    name: str
    clinic: str | None = None
    ydernummer: str | None = None
    employed: bool = False


Entry = ListedMember | WrittenIn


@dataclass(frozen=True)
class CheckInAttendee:
    network_id: str
    meeting_id: str
    entry: Entry


@dataclass(frozen=True)
class CloseAttendance:
    network_id: str
    meeting_id: str


@dataclass(frozen=True)
class CorrectAttendance:
    network_id: str
    meeting_id: str
    reason: str
    add: tuple[Entry, ...] = ()
    remove: tuple[int, ...] = ()


@dataclass(frozen=True)
class PublishMandatoryTopic:
    year: int
    topic_id: str
    title: str
    package_url: str | None = None
