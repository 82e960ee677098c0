"""Request bodies: the wire shape of commands, with the contracts' own field types."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kn_contracts.events.meetings import (
    AgendaItem,
    FollowUp,
    Place,
    PlanYear,
    Reason,
    TopicTitle,
)
from kn_contracts.values import Identifier, LocalTime, PersonName, Ydernummer
from kn_meetings.domain import commands as c


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MeetingIn(Body):
    date: dt.date
    starts: LocalTime = Field(description="Local time in Copenhagen, e.g. 17:00.")
    ends: LocalTime | None = Field(None, description="Default: start + the agenda's minutes.")
    place: Place
    topics: list[TopicTitle] = Field(default_factory=list)
    mandatory_topic_id: Identifier | None = Field(
        None, description="Set when the meeting covers the year's mandatory topic."
    )
    agenda: list[AgendaItem] | None = Field(None, description="Default: the generic template.")
    follow_ups: list[FollowUp] = Field(
        default_factory=list, description="Topics following up an earlier meeting (Meetings 8)."
    )

    def planned(self) -> c.PlannedMeeting:
        return c.PlannedMeeting(
            date=self.date,
            starts=self.starts,
            ends=self.ends,
            place=self.place,
            topics=tuple(self.topics),
            mandatory_topic_id=self.mandatory_topic_id,
            agenda=None if self.agenda is None else tuple(self.agenda),
            follow_ups=tuple(self.follow_ups),
        )


class PlanIn(Body):
    years: list[PlanYear] = Field(min_length=1, max_length=2, examples=[[2025, 2026]])
    meetings: list[MeetingIn] = Field(min_length=1)


class RescheduleIn(Body):
    date: dt.date | None = None
    starts: LocalTime | None = None
    ends: LocalTime | None = None
    place: Place | None = None
    reason: Reason | None = None


class TopicsIn(Body):
    topics: list[TopicTitle]
    mandatory_topic_id: Identifier | None = None
    follow_ups: list[FollowUp] = Field(
        default_factory=list, description="Topics following up an earlier meeting (Meetings 8)."
    )
    reason: Reason | None = Field(
        None, description="Required once the meeting is held: why its topics are corrected."
    )


class AgendaIn(Body):
    items: list[AgendaItem] = Field(min_length=1)


class CancelIn(Body):
    reason: Reason


class CheckInIn(Body):
    """Either a member ticking off (`person_id`) or a person writing themselves in."""

    person_id: Identifier | None = None
    name: PersonName | None = None
    clinic: str | None = Field(None, max_length=300)
    ydernummer: Ydernummer | None = None
    employed: bool = Field(False, description="An employed therapist without a ydernummer.")

    @model_validator(mode="after")
    def _one_kind(self) -> CheckInIn:
        if (self.person_id is None) == (self.name is None):
            raise ValueError("give person_id (ticked off the list) or name (written in)")
        return self

    def entry(self) -> c.Entry:
        if self.person_id is not None:
            return c.ListedMember(self.person_id)
        assert self.name is not None
        return c.WrittenIn(self.name, self.clinic, self.ydernummer, self.employed)


class CorrectionIn(Body):
    reason: Reason
    add: list[CheckInIn] = Field(default_factory=list)
    remove: list[int] = Field(default_factory=list, description="Line numbers to strike.")


class MandatoryTopicIn(Body):
    year: PlanYear
    topic_id: Identifier
    title: TopicTitle
    package_url: str | None = Field(None, max_length=500)
