"""Who a person on an attendance list is, and how they count (DOMAIN Pool payouts 2)."""

from __future__ import annotations

import datetime as dt
import hashlib

from kn_contracts.events.meetings import Attendee, AttendeeCategory, CheckIn
from kn_meetings.domain.commands import Entry, ListedMember
from kn_meetings.domain.errors import ATTENDANCE_HELD, ATTENDANCE_ONCE, Conflict, Invalid
from kn_meetings.domain.roster import Roster


def normal(text: str | None) -> str:
    """Case- and spacing-insensitive form of a name, for matching."""
    return " ".join((text or "").split()).casefold()


def identify(entry: Entry, line: int, network_id: str, roster: Roster) -> CheckIn:
    """The list line for an entry; a written-in person whose ydernummer and name match a
    member on the meeting day is that member (so a second check-in is recognised)."""
    if isinstance(entry, ListedMember):
        # only the network's own members tick in by id; anyone else is written in with
        # name, clinic and ydernummer, so no coordinator learns another network's member
        # from an id, nor whether the id exists (issue 15)
        found = [m for m in roster.of_person(entry.person_id) if m.network_id == network_id]
        if not found:
            raise Invalid(
                ATTENDANCE_HELD,
                f"{entry.person_id} is not on this network's list on {roster.day}; "
                "write the person in with name, clinic and ydernummer",
            )
        member = found[0]
        return CheckIn(
            line=line,
            person_id=member.person_id,
            name=member.name,
            clinic=member.clinic_name,
            ydernummer=member.ydernummer,
        )
    person_id = _member_named(entry.name, entry.ydernummer, roster)
    return CheckIn(
        line=line,
        person_id=person_id,
        subject_id=None if person_id else written_in(network_id, roster.day, line),
        name=entry.name,
        clinic=entry.clinic,
        ydernummer=entry.ydernummer,
        employed=entry.employed and entry.ydernummer is None,
    )


def written_in(network_id: str, day: dt.date, line: int) -> str:
    """The subject id of a person written in by hand (issue 15): meetings owns their key,
    and EKM erases them by it (`kn erase person`); the same line keeps it."""
    digest = hashlib.sha256(f"{network_id}/{day.isoformat()}/{line}".encode()).hexdigest()
    return f"w-{digest[:20]}"


def _member_named(name: str, ydernummer: str | None, roster: Roster) -> str | None:
    """The member on the roster's day holding `ydernummer` under `name`, if any."""
    if ydernummer is None:
        return None
    matching = [m for m in roster.of_ydernummer(ydernummer) if normal(m.name) == normal(name)]
    return matching[0].person_id if matching else None


def reidentified(lines: tuple[CheckIn, ...], roster: Roster) -> tuple[CheckIn, ...]:
    """Meetings 9: each line written in by hand matched again against the members on the
    meeting date (ydernummer and name), so a member whose join was reported late counts as
    a member; a person already on another line stays unmatched (Meetings 3: once)."""
    listed = {c.person_id for c in lines if c.person_id is not None}
    again = []
    for line in lines:
        found = None if line.person_id else _member_named(line.name, line.ydernummer, roster)
        if found is not None and found not in listed:
            line = line.model_copy(update={"person_id": found})
            listed.add(found)
        again.append(line)
    return tuple(again)


def same_person_key(check_in: CheckIn) -> tuple[str, ...]:
    """What makes two lines the same person: the member, or name with ydernummer or clinic."""
    if check_in.person_id is not None:
        return ("member", check_in.person_id)
    return ("written", normal(check_in.name), check_in.ydernummer or normal(check_in.clinic))


def ensure_not_listed(check_in: CheckIn, listed: tuple[CheckIn, ...]) -> None:
    """Refuse a second line for the same person."""
    key = same_person_key(check_in)
    for other in listed:
        if same_person_key(other) == key:
            raise Conflict(
                ATTENDANCE_ONCE,
                f"{check_in.name} is already on the list (line {other.line})",
            )


def category(check_in: CheckIn, network_id: str, roster: Roster) -> AttendeeCategory:
    """Member owner of this network, owner from another, employee or guest, on the day.

    Every member holds a ydernummer (DOMAIN Membership 1), so a member of the hosting
    network on the meeting day is a member owner. An unmatched written-in ydernummer of
    this network does not count: a correction can tick the member off instead.
    """
    if check_in.person_id is not None:
        networks = {m.network_id for m in roster.of_person(check_in.person_id)}
        if network_id in networks:
            return "member_owner"
        if networks:
            return "other_network_owner"
    if check_in.ydernummer is not None:
        networks = {m.network_id for m in roster.of_ydernummer(check_in.ydernummer)}
        if networks and network_id not in networks:
            return "other_network_owner"
    return "employee" if check_in.employed else "guest"


def classified(
    check_ins: tuple[CheckIn, ...], network_id: str, roster: Roster
) -> tuple[Attendee, ...]:
    """Each line with its category as of the roster's day."""
    return tuple(
        Attendee(
            line=c.line,
            person_id=c.person_id,
            subject_id=c.subject_id,
            name=c.name,
            clinic=c.clinic,
            ydernummer=c.ydernummer,
            category=category(c, network_id, roster),
        )
        for c in check_ins
    )
