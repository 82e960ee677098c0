"""Membership 12: a fact that ends something ends every later-starting stint it covers,
and a stint that begins inside a holding or membership already known to end ends with it.

So every answer "on date D" is the same in whatever order the facts arrived, in the
register and in any reader that folds the published joins and leaves by their dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain import views
from kn_membership.domain.model import HOLDING_ENDS, Stint
from kn_membership.domain.register import Register


def covered(register: Register, decided: list[Event]) -> list[Event]:
    """The leaves that the decided events imply for stints already recorded or just begun."""
    extra: list[Event] = []
    for event in decided:
        if isinstance(event, ev.MemberLeft | ev.AwaitingAssignmentEnded):
            if event.reason in HOLDING_ENDS:
                extra += _later_in_holding(register, event)
            elif isinstance(event, ev.MemberLeft) and event.reason == "ekm_removal":
                extra += _moved_on(register, event)
        elif isinstance(event, ev.MemberJoined):
            extra += _known_end(register, event)
    return extra


def stamp(event: Event, on: dt.date) -> dict[str, Any]:
    """The stamp of an event that follows from `event`: same actor and cause, its own date."""
    return {
        "effective_date": on,
        "actor": event.actor,
        "causation_id": event.causation_id,
        "correlation_id": event.correlation_id,
    }


def _left(cause: Event, stint: Stint, on: dt.date, reason: ev.LeaveReason) -> ev.MemberLeft:
    return ev.MemberLeft(
        **stamp(cause, on),
        network_id=stint.network_id,
        person_id=stint.person_id,
        ydernummer=stint.ydernummer,
        clinic_id=stint.clinic_id,
        reason=reason,
        note=getattr(cause, "note", None),
    )


def _later_in_holding(
    register: Register, end: ev.MemberLeft | ev.AwaitingAssignmentEnded
) -> list[Event]:
    """A holding that ends on E ends every stint through it that starts after E, on the
    day it starts (a move announced for August, the close reported late for June)."""
    on = end.effective_date
    holding = views.holding(register, end.person_id, end.ydernummer, on)
    if holding is None:
        return []
    return [
        _left(end, s, s.start, end.reason)
        for s in register.stints_of(end.person_id, end.ydernummer)
        if s.start > on and (holding.end is None or s.start < holding.end) and not s.empty()
    ]


def _moved_on(register: Register, removal: ev.MemberLeft) -> list[Event]:
    """A removal ends the membership it removes and the moves recorded after it, which
    continue that membership elsewhere (not a later assignment: that is a new one)."""
    on = removal.effective_date
    stints = register.stints_of(removal.person_id, removal.ydernummer)
    current = next((s for s in stints if s.network_id == removal.network_id and s.active(on)), None)
    if current is None:
        return []
    extra: list[Event] = []
    until = current.end
    for later in sorted((s for s in stints if s.start > on), key=lambda s: s.start):
        if until is None or later.start != until or later.reason != "ekm_move" or later.empty():
            break
        extra.append(_left(removal, later, later.start, "ekm_removal"))
        until = later.end
    return extra


def _known_end(register: Register, joined: ev.MemberJoined) -> list[Event]:
    """A stint that begins where its holding, or the membership it continues (a move
    dated before a recorded end), is already known to end, ends there too."""
    on = joined.effective_date
    person, ydernummer = joined.person_id, joined.ydernummer
    ends: list[tuple[dt.date, ev.LeaveReason]] = []
    holding = views.holding(register, person, ydernummer, on)
    if holding is not None and holding.end is not None:
        ends.append((holding.end, holding.end_reason or "ydernummer_closed"))
    stints = register.stints_of(person, ydernummer)
    for s in stints:
        if s.active(on) and s.end is not None:
            ends.append((s.end, s.end_reason or "ekm_move"))
    if not ends:
        return []
    until, reason = min(ends)
    if any(
        s.network_id == joined.network_id and s.start == until and not s.empty() for s in stints
    ):
        return []  # it runs into a later stint of the same network (timeline.runs_into)
    begun = Stint(joined.network_id, person, ydernummer, joined.clinic_id, on)
    return [_left(joined, begun, until, reason)]
