"""Events owned by the meetings service (topic kn.meetings.events).

Times of day are local wall-clock times in Europe/Copenhagen. Every event of a meeting
carries its network, which is also its Kafka key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.base import Event
from kn_contracts.sealed import Personal, SealedText
from kn_contracts.values import Identifier, LocalTime, Ydernummer

AttendeeCategory = Literal["member_owner", "other_network_owner", "employee", "guest"]
PlanYear = Annotated[int, Field(ge=2000, le=2100, description="The calendar year of a plan.")]
Place = Annotated[str, Field(min_length=1, max_length=300)]
TopicTitle = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class MeetingsEvent(Event):
    """Base of meetings' events."""

    owner: ClassVar[str] = "meetings"


class AgendaItem(BaseModel):
    """One point of a meeting's agenda with its planned minutes (DOMAIN Meetings 4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    minutes: int = Field(ge=0, le=600)


class FollowUp(BaseModel):
    """One topic of a meeting following up an earlier meeting of the network (DOMAIN
    Meetings 5, 8: at least six months later is recommended; sooner is flagged)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: TopicTitle = Field(description="One of the meeting's topics.")
    meeting_id: Identifier = Field(description="The earlier meeting it follows up.")


class MeetingScheduled(MeetingsEvent):
    """A meeting was put in a network's plan for a year (DOMAIN Meetings 1)."""

    meeting_id: Identifier
    network_id: Identifier
    plan_year: PlanYear
    meeting_date: dt.date
    starts: LocalTime = Field(description="Local time in Europe/Copenhagen.")
    ends: LocalTime = Field(description="Local time in Europe/Copenhagen.")
    place: Place
    topics: tuple[TopicTitle, ...] = ()
    mandatory_topic_id: Identifier | None = Field(
        None, description="The year's mandatory topic, when this meeting covers it."
    )
    agenda: tuple[AgendaItem, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()


class MeetingRescheduled(MeetingsEvent):
    """A planned meeting moved to another date, time or place within its plan year."""

    meeting_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    starts: LocalTime
    ends: LocalTime
    place: Place
    reason: Reason | None = None


class MeetingTopicsChanged(MeetingsEvent):
    """The topics of a meeting changed (whether it covers the mandatory topic too, which
    earlier meetings it follows up); after the meeting was held, a correction with a reason
    (DOMAIN Meetings 7)."""

    meeting_id: Identifier
    network_id: Identifier
    topics: tuple[TopicTitle, ...]
    mandatory_topic_id: Identifier | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    reason: Reason | None = Field(
        None, description="Why a held meeting's topics were corrected; set for those only."
    )


class MeetingAgendaChanged(MeetingsEvent):
    """A meeting's agenda was edited; this is the whole new agenda."""

    meeting_id: Identifier
    network_id: Identifier
    agenda: tuple[AgendaItem, ...]


class MeetingCancelled(MeetingsEvent):
    """A planned meeting will not take place."""

    meeting_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    reason: Reason


class MeetingHeld(MeetingsEvent):
    """A planned meeting took place on its effective date; its attendance list is open."""

    meeting_id: Identifier
    network_id: Identifier
    place: Place
    topics: tuple[TopicTitle, ...] = ()
    mandatory_topic_id: Identifier | None = None


_SUBJECT = (
    "Whose personal data the line holds when no member is known: a person written in by "
    "hand gets a subject id of meetings' own (issue 15), under which the name is sealed."
)


class CheckIn(Personal):
    """One line a person put on the attendance list at the meeting; the name and clinic
    sealed under the member's key, or a written-in person's own (subject_id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    personal: ClassVar[tuple[str, ...]] = ("name", "clinic")
    subject_fields: ClassVar[tuple[str, ...]] = ("person_id", "subject_id")

    line: int = Field(ge=1, description="Position on the list; stable across corrections.")
    person_id: Identifier | None = Field(
        None, description="The member, when ticked off the member list or matched by ydernummer."
    )
    subject_id: Identifier | None = Field(None, description=_SUBJECT)
    name: SealedText
    clinic: SealedText | None = None
    ydernummer: Ydernummer | None = None
    employed: bool = Field(
        False, description="Said to be an employed therapist without a ydernummer."
    )


class AttendeeCheckedIn(MeetingsEvent):
    """Someone ticked themselves off, or wrote themselves on, a held meeting's list."""

    version: ClassVar[int] = 2  # the lines' names sealed (issue 15)

    meeting_id: Identifier
    network_id: Identifier
    check_in: CheckIn


class Attendee(Personal):
    """One line of an attendance list, classified as of the meeting date; the name and
    clinic sealed as a CheckIn's."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    personal: ClassVar[tuple[str, ...]] = ("name", "clinic")
    subject_fields: ClassVar[tuple[str, ...]] = ("person_id", "subject_id")

    line: int = Field(ge=1)
    person_id: Identifier | None = Field(None, description="Set when the person is known.")
    subject_id: Identifier | None = Field(None, description=_SUBJECT)
    name: SealedText
    clinic: SealedText | None = None
    ydernummer: Ydernummer | None = None
    category: AttendeeCategory = Field(
        description="Member owner of this network, owner from another network, employee or guest."
    )


class AttendanceRecorded(MeetingsEvent):
    """The closed attendance list of a held meeting, sent to EKM (DOMAIN Meetings 3)."""

    version: ClassVar[int] = 2  # the lines' names sealed (issue 15)

    meeting_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    attendees: tuple[Attendee, ...]


class AttendanceCorrected(MeetingsEvent):
    """A corrected attendance list; it replaces the earlier one whole, never edits it."""

    version: ClassVar[int] = 2  # the lines' names sealed (issue 15)

    meeting_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    revision: int = Field(ge=2, description="1 is the recorded list; each correction adds one.")
    attendees: tuple[Attendee, ...]
    reason: Reason


class MandatoryTopicPublished(MeetingsEvent):
    """EKM set the year's mandatory topic every network works on (DOMAIN Meetings 2)."""

    year: PlanYear
    topic_id: Identifier
    title: TopicTitle
    package_url: str | None = Field(None, max_length=500, description="EKM's meeting package.")


class SubjectErased(MeetingsEvent):
    """EKM erased a written-in person's data: meetings deleted the subject's key, so their
    lines read "[slettet]" from now on. It holds no name."""

    subject_id: Identifier
    reason: str = Field(min_length=3, max_length=500)
    keys_erased: int = Field(ge=0)


SEALED_SINCE_V2: tuple[type[Event], ...] = (
    AttendeeCheckedIn,
    AttendanceRecorded,
    AttendanceCorrected,
)
"""Meetings' events whose version 2 seals personal fields (version 1 read unchanged)."""

MEETINGS_EVENT_TYPES: tuple[type[Event], ...] = (
    MeetingScheduled,
    MeetingRescheduled,
    MeetingTopicsChanged,
    MeetingAgendaChanged,
    MeetingCancelled,
    MeetingHeld,
    AttendeeCheckedIn,
    AttendanceRecorded,
    AttendanceCorrected,
    MandatoryTopicPublished,
    SubjectErased,
)
