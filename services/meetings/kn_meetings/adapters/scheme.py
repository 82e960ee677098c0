"""The scheme from settings and its agenda template file (data, not code)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from kn_contracts.events.meetings import AgendaItem
from kn_meetings.domain.scheme import Scheme
from kn_meetings.settings import MeetingsSettings

GENERIC_AGENDA = "generic_agenda.json"


def load_agenda(path: Path | None) -> tuple[AgendaItem, ...]:
    """Agenda items from a template file, or the generic one shipped with the service."""
    if path is None:
        text = resources.files("kn_meetings.data").joinpath(GENERIC_AGENDA).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return tuple(AgendaItem.model_validate(item) for item in json.loads(text)["items"])


def scheme_from(settings: MeetingsSettings) -> Scheme:
    return Scheme(
        min_meetings=settings.min_meetings_per_year,
        max_meetings=settings.max_meetings_per_year,
        first_mandatory_topic_year=settings.first_mandatory_topic_year,
        agenda_template=load_agenda(settings.agenda_template),
        follow_up_months=settings.follow_up_months,
    )
