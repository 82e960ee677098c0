"""Building the membership events decisions produce, the same way everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_servicekit.cause import Cause


@dataclass(frozen=True)
class Who:
    """A therapist as a holder of one ydernummer at one clinic."""

    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str
    role: ev.MembershipRole


def joined(
    who: Who,
    network_id: str,
    reason: ev.JoinReason,
    cause: Cause,
    on: dt.date,
    note: str | None = None,
) -> ev.MemberJoined:
    """`who` becomes a member of the network from `on`."""
    return ev.MemberJoined(
        **cause.stamp(on),
        network_id=network_id,
        person_id=who.person_id,
        name=who.name,
        ydernummer=who.ydernummer,
        clinic_id=who.clinic_id,
        clinic_name=who.clinic_name,
        role=who.role,
        reason=reason,
        note=note,
    )


def waiting(
    who: Who, cause: Cause, on: dt.date, note: str | None = None
) -> ev.MemberAwaitingAssignment:
    """`who` holds a ydernummer but has no network until EKM assigns one (`note`: why, if
    not a brand-new clinic)."""
    return ev.MemberAwaitingAssignment(
        **cause.stamp(on),
        person_id=who.person_id,
        name=who.name,
        ydernummer=who.ydernummer,
        clinic_id=who.clinic_id,
        clinic_name=who.clinic_name,
        role=who.role,
        note=note,
    )


def leaving(
    who: Who,
    network_id: str | None,
    reason: ev.LeaveReason,
    cause: Cause,
    on: dt.date,
    note: str | None = None,
) -> Event:
    """A member leaves their network; a holder still waiting for one stops waiting."""
    if network_id is None:
        return ev.AwaitingAssignmentEnded(
            **cause.stamp(on),
            person_id=who.person_id,
            ydernummer=who.ydernummer,
            clinic_id=who.clinic_id,
            reason=reason,
            note=note,
        )
    return ev.MemberLeft(
        **cause.stamp(on),
        network_id=network_id,
        person_id=who.person_id,
        ydernummer=who.ydernummer,
        clinic_id=who.clinic_id,
        reason=reason,
        note=note,
    )
