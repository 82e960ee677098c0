"""Questions the register answers for a date: who is a member, who waits, who coordinates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.coordinator import Spell
from kn_membership.domain.errors import NotFound
from kn_membership.domain.model import Holding, Network, Stint
from kn_membership.domain.register import Register


@dataclass(frozen=True)
class Member:
    """A member of a network on a date, with what a sheet or a list shows of them."""

    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str
    role: str
    since: dt.date


def network(register: Register, network_id: str) -> Network:
    """The network, or NotFound."""
    found = register.networks.get(network_id)
    if found is None:
        raise NotFound(None, f"there is no network {network_id!r}")
    return found


def holding(register: Register, person_id: str, ydernummer: str, on: dt.date) -> Holding | None:
    """The person's holding of the ydernummer in force on the date."""
    for candidate in register.holdings_of(person_id, ydernummer):
        if candidate.active(on):
            return candidate
    return None


def holders(register: Register, ydernummer: str, on: dt.date) -> list[Holding]:
    """Everyone holding the ydernummer on the date (several when it is shared)."""
    return [h for h in register.holdings_of_ydernummer(ydernummer) if h.active(on)]


def stint(register: Register, person_id: str, ydernummer: str, on: dt.date) -> Stint | None:
    """The person's membership through this ydernummer on the date, if any."""
    for candidate in register.stints_of(person_id, ydernummer):
        if candidate.active(on):
            return candidate
    return None


def stints_from(register: Register, person_id: str, ydernummer: str, on: dt.date) -> list[Stint]:
    """The person's memberships through this ydernummer in force on or after the date."""
    return [s for s in register.stints_of(person_id, ydernummer) if s.end is None or s.end > on]


def members_on(
    register: Register, network_id: str, on: dt.date, owners_only: bool = False
) -> list[Member]:
    """Members of the network on the date (clinic owners only, or renters too), by name."""
    network(register, network_id)
    found = []
    for s in register.stints_in(network_id):
        if not s.active(on):
            continue
        held = holding(register, s.person_id, s.ydernummer, on)
        if held is None or (owners_only and held.role != "owner"):
            continue
        found.append(
            Member(
                s.person_id,
                held.name,
                s.ydernummer,
                s.clinic_id,
                held.clinic_name,
                held.role,
                s.start,
            )
        )
    return sorted(found, key=lambda m: (m.name, m.ydernummer))


def clinic_networks(register: Register, clinic_id: str, on: dt.date) -> list[str]:
    """The networks of the colleagues at a clinic on the date (none for a new clinic; two
    or more when EKM has split its members, and then EKM decides for a newcomer)."""
    return sorted({s.network_id for s in register.stints_at_clinic(clinic_id) if s.active(on)})


def network_of(register: Register, person_id: str, on: dt.date) -> str | None:
    """The network the person is a member of on the date, through any ydernummer."""
    for s in register.stints_of_person(person_id):
        if s.active(on):
            return s.network_id
    return None


def awaiting(register: Register, on: dt.date) -> list[Holding]:
    """Holders of a ydernummer with no network on the date: EKM must assign them."""
    return sorted(
        (
            h
            for h in register.holdings
            if h.active(on) and stint(register, h.person_id, h.ydernummer, on) is None
        ),
        key=lambda h: (h.start, h.name),
    )


def coordinator(register: Register, network_id: str, on: dt.date) -> Spell | None:
    """Who held the coordinator role on the date, by confirmed acts (None if never filled)."""
    return register.role(network_id).on(on)


def history(register: Register, person_id: str) -> dict[str, list[dict[str, str | None]]]:
    """Everything the register holds about a person, oldest first."""

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    holdings = [
        {
            "ydernummer": h.ydernummer,
            "clinic_id": h.clinic_id,
            "role": h.role,
            "from": day(h.start),
            "until": day(h.end),
        }
        for h in register.holdings_of_person(person_id)
    ]
    memberships = [
        {
            "network_id": s.network_id,
            "ydernummer": s.ydernummer,
            "reason": s.reason,
            "from": day(s.start),
            "until": day(s.end),
        }
        for s in register.stints_of_person(person_id)
    ]
    roles = [
        {
            "network_id": network_id,
            "from": day(spell.start),
            "change": spell.change,
            "paid": "yes" if spell.payee == person_id else "no",
        }
        for network_id, history in register.roles.items()
        for spell in history.spells
        if spell.holds(person_id)
    ]
    if not (holdings or memberships):
        raise NotFound(None, f"the register knows no person {person_id!r}")
    return {
        "holdings": sorted(holdings, key=lambda row: row["from"] or ""),
        "memberships": sorted(memberships, key=lambda row: row["from"] or ""),
        "coordinator": sorted(roles, key=lambda row: row["from"] or ""),
    }
