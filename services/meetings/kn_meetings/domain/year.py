"""A network's year at a glance: its meetings, the 2–4 flag, follow-ups, the mandatory topic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kn_meetings.domain import followups
from kn_meetings.domain.mandatory import MandatoryTopic
from kn_meetings.domain.model import Meeting, Plan
from kn_meetings.domain.scheme import Scheme
from kn_meetings.domain.views import MeetingSummary, covers, summary

Coverage = Literal["not_published", "not_planned", "planned", "covered"]


@dataclass(frozen=True)
class MandatoryCoverage:
    """Whether the year's mandatory topic was planned and covered at a held meeting."""

    year: int
    topic_id: str | None
    title: str | None
    status: Coverage


@dataclass(frozen=True)
class YearView:
    network_id: str
    year: int
    meetings: tuple[MeetingSummary, ...]
    meetings_planned: int
    meetings_held: int
    year_over: bool  # then the 2–4 flag counts held meetings only (Meetings 6)
    mandatory_topic: MandatoryCoverage
    flags: tuple[str, ...]


def year_view(
    plan: Plan,
    mandatory: MandatoryTopic | None,
    scheme: Scheme,
    today: dt.date,
    others: Iterable[Plan] = (),
) -> YearView:
    """The year's meetings, flagged against the 2–4 rule, the mandatory topic and early
    follow-ups; `others` are the plan years of earlier meetings followed up."""
    active = [m for m in plan.meetings if m.status != "cancelled"]
    held = [m for m in active if m.status == "held"]
    coverage = _coverage(plan, active, held, mandatory, scheme)
    # Meetings 6: during the year planned and held meetings count; after it, held ones only
    over = today.year > plan.year
    counted, counting = (held, "held") if over else (active, "planned or held")
    flags = []
    if not scheme.min_meetings <= len(counted) <= scheme.max_meetings:  # Meetings 1
        flags.append(
            f"Meetings 6: {len(counted)} meeting(s) {counting} in {plan.year}; "
            f"the agreement asks for {scheme.min_meetings}–{scheme.max_meetings} a year"
        )
    if coverage.status == "not_planned":  # Meetings 2
        flags.append(f"Meetings 2: no meeting in {plan.year} covers the mandatory topic "
                     f"{coverage.topic_id} ({coverage.title})")  # fmt: skip
    known = followups.meetings_of([*others, plan])
    flags += followups.flags(plan, known, scheme.follow_up_months)  # Meetings 8
    return YearView(
        network_id=plan.network_id,
        year=plan.year,
        meetings=tuple(summary(m, mandatory) for m in plan.meetings),
        meetings_planned=len(active),
        meetings_held=len(held),
        year_over=over,
        mandatory_topic=coverage,
        flags=tuple(flags),
    )


def _coverage(
    plan: Plan,
    active: list[Meeting],
    held: list[Meeting],
    mandatory: MandatoryTopic | None,
    scheme: Scheme,
) -> MandatoryCoverage:
    if mandatory is None:
        return MandatoryCoverage(plan.year, None, None, "not_published")
    if any(covers(m, mandatory) for m in held):
        status: Coverage = "covered"
    elif any(covers(m, mandatory) for m in active):
        status = "planned"
    else:
        status = "not_planned"
    return MandatoryCoverage(plan.year, mandatory.topic_id, mandatory.title, status)
