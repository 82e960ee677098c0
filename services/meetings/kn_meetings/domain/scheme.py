"""The scheme's numbers and agenda template, as data handed in (DOMAIN "Other schemes")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.events.meetings import AgendaItem
from kn_meetings.domain.errors import AGENDA, Invalid

TOPIC_PLACEHOLDER = "{topic}"
NO_TOPIC = "dagens emne"


@dataclass(frozen=True)
class Scheme:
    """Meetings a year (DOMAIN Meetings 1), the first year with a mandatory topic
    (Meetings 2), the generic agenda with its timings (Meetings 4) and how many months
    later a follow-up is recommended (Meetings 5, 8)."""

    min_meetings: int
    max_meetings: int
    first_mandatory_topic_year: int
    agenda_template: tuple[AgendaItem, ...]
    follow_up_months: int = 6


def agenda_for(scheme: Scheme, topics: tuple[str, ...]) -> tuple[AgendaItem, ...]:
    """The template's agenda with the meeting's first topic filled in."""
    topic = topics[0] if topics else NO_TOPIC
    return tuple(
        AgendaItem(title=item.title.replace(TOPIC_PLACEHOLDER, topic), minutes=item.minutes)
        for item in scheme.agenda_template
    )


def agenda_minutes(agenda: tuple[AgendaItem, ...]) -> int:
    return sum(item.minutes for item in agenda)


def end_after(starts: dt.time, agenda: tuple[AgendaItem, ...]) -> dt.time:
    """When a meeting starting at `starts` ends if it follows its agenda."""
    start = dt.datetime.combine(dt.date.min, starts)
    end = start + dt.timedelta(minutes=agenda_minutes(agenda))
    if end.date() != start.date():
        raise Invalid(AGENDA, f"an agenda of {agenda_minutes(agenda)} min from {starts:%H:%M} "
                      "runs past midnight; start earlier or shorten it")  # fmt: skip
    return end.time()


def check_times(starts: dt.time, ends: dt.time) -> None:
    """A meeting ends after it starts, on the same day."""
    if ends <= starts:
        raise Invalid(AGENDA, f"the meeting ends at {ends:%H:%M}, not after it starts at "
                      f"{starts:%H:%M}")  # fmt: skip
