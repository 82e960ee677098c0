"""Events owned by the meetings service (topic kn.meetings.events)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.base import Event
from kn_contracts.values import Identifier, PersonName, Ydernummer

AttendeeCategory = Literal["member_owner", "other_network_owner", "employee", "guest"]


class MeetingsEvent(Event):
    """Base of meetings' events."""

    owner: ClassVar[str] = "meetings"


class MeetingHeld(MeetingsEvent):
    """A planned meeting took place on its effective date."""

    meeting_id: Identifier
    network_id: Identifier
    place: str = Field(min_length=1, max_length=300)
    topics: tuple[str, ...] = ()


class Attendee(BaseModel):
    """One line of an attendance list, classified as of the meeting date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: Identifier | None = Field(None, description="Set when the person is known.")
    name: PersonName
    clinic: str | None = Field(None, max_length=300)
    ydernummer: Ydernummer | None = None
    category: AttendeeCategory = Field(
        description="Member owner of this network, owner from another network, employee or guest."
    )


class AttendanceRecorded(MeetingsEvent):
    """The closed attendance list of a held meeting, sent to EKM (DOMAIN Meetings 3)."""

    meeting_id: Identifier
    network_id: Identifier
    meeting_date: dt.date
    attendees: tuple[Attendee, ...]
    correction_of: str | None = Field(
        None, description="Event id of the list this one corrects; a correction never edits."
    )
    reason: str | None = Field(None, max_length=500, description="Why a correction was made.")
