"""Assemble a network's figures for a year from its facts (DOMAIN "Annual status")."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from kn_contracts.events.membership import ClusterAdded, ClusterRenamed, NetworkCreated
from kn_reporting.domain import figures as f
from kn_reporting.domain.coordinators import (
    CoordinatorSection,
    coordinator_section,
    role_history,
)
from kn_reporting.domain.errors import KNOWN_NETWORK, NotFound
from kn_reporting.domain.facts import Facts
from kn_reporting.domain.meetings import MandatoryTopic, Meeting, mandatory_topic, meetings_of
from kn_reporting.domain.members import Person, Roll
from kn_reporting.domain.money import money
from kn_reporting.domain.policy import Policy


def network_of(network_id: str, facts: Facts) -> f.NetworkInfo:
    """The network and its cluster, or NotFound if membership never published it."""
    created = next((e for e in facts.of(NetworkCreated) if isinstance(e, NetworkCreated)), None)
    if created is None:
        raise NotFound(
            KNOWN_NETWORK,
            f"no network {network_id!r} is known to reporting: "
            "it learns networks from membership's NetworkCreated",
        )
    clusters = {
        e.cluster_id: e.name
        for e in facts.common_of(ClusterAdded, ClusterRenamed)
        if isinstance(e, ClusterAdded | ClusterRenamed)
    }
    return f.network_info(created, clusters)


def figures(network_id: str, facts: Facts, year: int, today: dt.date, policy: Policy) -> f.Figures:
    """Every figure of the network's annual status for `year`, as the facts stand on `today`."""
    network = network_of(network_id, facts)
    roll = Roll(facts.network)
    history, notes = role_history(facts.network)
    coordinators = coordinator_section(history, notes, year, today)
    topic = mandatory_topic(facts.common, year)
    meetings = meetings_of(facts.network, year)
    reports = tuple(_report(m, roll, topic) for m in meetings)
    listed = [r for r in reports if r.status == "held" and r.attendance is not None]
    joins, leaves = roll.changes(year)
    names = {**roll.names, **{p.person_id: p.name for p in _holders(coordinators)}}
    return f.Figures(
        network=network,
        year=year,
        year_over=today.year > year,
        coordinators=coordinators,
        members=f.MemberSection(
            len(roll.on(dt.date(year, 1, 1))), len(roll.on(dt.date(year, 12, 31))), joins, leaves
        ),
        mandatory_topic=_coverage(meetings, topic),
        meetings=reports,
        members_at_no_meeting=_at_no_meeting(meetings, roll),
        meeting_count=_count(meetings, today.year > year, policy),
        attendances=sum(r.attendance.member_owner for r in listed if r.attendance),
        possible_attendances=sum(r.members_on_date for r in listed),
        clinics=roll.fewest_clinics(_figure_days(year, today, listed)),
        money=money(facts, year, history, names, today, policy.rate_scheme),
    )


def _figure_days(year: int, today: dt.date, listed: list[f.MeetingReport]) -> list[dt.date]:
    """The days the overview's figures of a network are drawn from: 31 December (its
    members), today within the year (what it stands on), each held meeting with a list."""
    days = [dt.date(year, 12, 31), *(r.date for r in listed)]
    if today.year == year:
        days.append(today)
    return days


def _report(m: Meeting, roll: Roll, topic: MandatoryTopic | None) -> f.MeetingReport:
    members = roll.on(m.date)
    attendance: f.Attendance | None = None
    absent: tuple[Person, ...] = ()
    if m.status == "held" and m.attendance is not None:
        counts = Counter(a.category for a in m.attendance.attendees)
        attendance = f.Attendance(
            counts["member_owner"],
            counts["other_network_owner"],
            counts["employee"],
            counts["guest"],
        )
        came = _attended(m)
        absent = tuple(
            sorted(
                (Person(p.person_id, p.name) for p in members.values() if p.person_id not in came),
                key=_by_name,
            )
        )
    return f.MeetingReport(
        meeting_id=m.meeting_id,
        date=m.date,
        place=m.place,
        status=m.status,
        topics=m.topics,
        covers_mandatory_topic=topic is not None and m.mandatory_topic_id == topic.topic_id,
        list_sent=m.attendance is not None,
        list_revision=None if m.attendance is None else m.attendance.revision,
        attendance=attendance,
        members_on_date=len(members),
        absent=absent,
    )


def _attended(m: Meeting) -> set[str]:
    lines = () if m.attendance is None else m.attendance.attendees
    return {a.person_id for a in lines if a.category == "member_owner" and a.person_id}


def _at_no_meeting(meetings: tuple[Meeting, ...], roll: Roll) -> tuple[Person, ...]:
    """Members on the date of a held meeting with a list who came to none of them."""
    listed = [m for m in meetings if m.status == "held" and m.attendance is not None]
    could = {p for m in listed for p in roll.on(m.date)}
    came = {p for m in listed for p in _attended(m)}
    return tuple(sorted((roll.person(p) for p in could - came), key=_by_name))


def _count(meetings: tuple[Meeting, ...], over: bool, policy: Policy) -> f.MeetingCount:
    held = sum(1 for m in meetings if m.status == "held")
    active = sum(1 for m in meetings if m.status != "cancelled")
    return f.MeetingCount(
        held,
        active,
        held if over else active,
        "held" if over else "planned or held",
        policy.min_meetings,
        policy.max_meetings,
    )


def _coverage(meetings: tuple[Meeting, ...], topic: MandatoryTopic | None) -> f.MandatoryCoverage:
    if topic is None:
        return f.MandatoryCoverage(None, None, "not_published")
    covering = [m for m in meetings if m.mandatory_topic_id == topic.topic_id]
    status: f.Coverage = "not_planned"
    if any(m.status == "held" for m in covering):
        status = "covered"
    elif any(m.status == "planned" for m in covering):
        status = "planned"
    return f.MandatoryCoverage(topic.topic_id, topic.title, status)


def _holders(section: CoordinatorSection) -> list[Person]:
    return [p for spell in section.spells for p in spell.holders]


def _by_name(p: Person) -> tuple[str, str]:
    return (p.name.casefold(), p.person_id)
