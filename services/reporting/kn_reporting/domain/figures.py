"""The figures of a network's annual status, generated from the log (DOMAIN "Annual status")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kn_contracts.events.membership import NetworkCreated
from kn_reporting.domain.coordinators import CoordinatorSection
from kn_reporting.domain.members import Change, Person
from kn_reporting.domain.money import Money

Coverage = Literal["not_published", "not_planned", "planned", "covered"]


@dataclass(frozen=True)
class NetworkInfo:
    network_id: str
    name: str
    cluster_id: str
    cluster_name: str


@dataclass(frozen=True)
class Attendance:
    """Lines of the latest list by category, as meetings classified them (Meetings 3, 9)."""

    member_owner: int
    other_network_owner: int
    employee: int
    guest: int


@dataclass(frozen=True)
class MeetingReport:
    """One meeting of the year; attendance and absent members once its list was sent."""

    meeting_id: str
    date: dt.date
    place: str
    status: Literal["planned", "held", "cancelled"]
    topics: tuple[str, ...]
    covers_mandatory_topic: bool
    list_sent: bool
    list_revision: int | None
    attendance: Attendance | None
    members_on_date: int
    absent: tuple[Person, ...]


@dataclass(frozen=True)
class MemberSection:
    """Members (persons) on 1 January and 31 December, and the joins and leaves between."""

    on_1_january: int
    on_31_december: int
    joins: tuple[Change, ...]
    leaves: tuple[Change, ...]


@dataclass(frozen=True)
class MeetingCount:
    """Meetings against the 2–4 rule (Meetings 6: during the year planned and held meetings
    count; once it is over, held ones only)."""

    held: int
    planned_or_held: int
    counted: int
    counting: Literal["held", "planned or held"]
    minimum: int
    maximum: int


@dataclass(frozen=True)
class MandatoryCoverage:
    """Whether a held meeting covered the year's mandatory topic (Meetings 2)."""

    topic_id: str | None
    title: str | None
    status: Coverage


@dataclass(frozen=True)
class Figures:
    """Every generated figure of the status: the same log and day give the same figures."""

    network: NetworkInfo
    year: int
    year_over: bool
    coordinators: CoordinatorSection
    members: MemberSection
    mandatory_topic: MandatoryCoverage
    meetings: tuple[MeetingReport, ...]
    members_at_no_meeting: tuple[Person, ...]
    meeting_count: MeetingCount
    attendances: int  # member owners on the lists of held meetings
    possible_attendances: int  # members on those meetings' dates
    # the fewest clinics a figure of the overview is drawn from (31 December, today within
    # the year, each held meeting with a list): the anonymity threshold counts these
    clinics: int
    money: Money


def network_info(created: NetworkCreated, cluster_names: dict[str, str]) -> NetworkInfo:
    cluster = cluster_names.get(created.cluster_id, created.cluster_id)
    return NetworkInfo(created.network_id, created.name, created.cluster_id, cluster)
