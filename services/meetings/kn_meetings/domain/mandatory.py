"""The mandatory topic of a year, set by EKM (DOMAIN Meetings 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events.meetings import MandatoryTopicPublished, MeetingsEvent
from kn_meetings.domain.commands import PublishMandatoryTopic
from kn_meetings.domain.errors import MANDATORY_TOPIC, Conflict, Forbidden, Invalid
from kn_meetings.domain.scheme import Scheme
from kn_servicekit.access import EKM
from kn_servicekit.cause import Cause


@dataclass(frozen=True)
class MandatoryTopic:
    """The topic every network works on in `year`."""

    year: int
    topic_id: str
    title: str
    package_url: str | None = None


def current(events: Iterable[Event]) -> MandatoryTopic | None:
    """The year's mandatory topic, if EKM published one."""
    found = None
    for event in events:
        if isinstance(event, MandatoryTopicPublished):
            found = MandatoryTopic(event.year, event.topic_id, event.title, event.package_url)
    return found


def publish(
    existing: MandatoryTopic | None, cmd: PublishMandatoryTopic, cause: Cause, scheme: Scheme
) -> list[MeetingsEvent]:
    """EKM sets one mandatory topic a year, from the scheme's first such year."""
    if cause.actor != EKM:
        raise Forbidden(
            MANDATORY_TOPIC, f"only EKM publishes the mandatory topic, not {cause.actor}"
        )
    if cmd.year < scheme.first_mandatory_topic_year:
        raise Invalid(MANDATORY_TOPIC, f"mandatory topics start in "
                      f"{scheme.first_mandatory_topic_year}, not {cmd.year}")  # fmt: skip
    if existing is not None:
        raise Conflict(MANDATORY_TOPIC, f"the mandatory topic of {cmd.year} is already "
                       f"{existing.topic_id} ({existing.title})")  # fmt: skip
    return [
        MandatoryTopicPublished(
            **cause.stamp(cause.today),
            year=cmd.year,
            topic_id=cmd.topic_id,
            title=cmd.title,
            package_url=cmd.package_url,
        )
    ]


def ensure_covers(topic_id: str | None, year: int, mandatory: MandatoryTopic | None) -> None:
    """A meeting may cover only its year's published mandatory topic."""
    if topic_id is None:
        return
    if mandatory is None:
        raise Invalid(MANDATORY_TOPIC, f"EKM has not published a mandatory topic for {year}")
    if topic_id != mandatory.topic_id:
        raise Invalid(MANDATORY_TOPIC, f"the mandatory topic of {year} is "
                      f"{mandatory.topic_id} ({mandatory.title}), not {topic_id}")  # fmt: skip
