"""Questions the register answers for a date: who is a member, who waits, who coordinates."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from kn_membership.domain.errors import NotFound, RuleBroken
from kn_membership.domain.register import Holding, Network, Register, Spell, Stint


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


def clinic_network(register: Register, clinic_id: str, on: dt.date) -> str | None:
    """The network of the colleagues at a clinic on the date (None for a new clinic)."""
    networks = {s.network_id for s in register.stints_at_clinic(clinic_id) if s.active(on)}
    if len(networks) > 1:
        raise RuleBroken(
            "Membership 2",
            f"clinic {clinic_id} has members in several networks ({', '.join(sorted(networks))})"
            f" on {on}; EKM must assign by hand",
        )
    return networks.pop() if networks else None


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
    """Who held the coordinator role on the date (None if never filled before it)."""
    current = None
    for spell in register.spells.get(network_id, []):
        if spell.start <= on:
            current = spell
    return current


def months_served(
    register: Register, network_id: str, year: int
) -> tuple[dict[str, int], dict[str, int]]:
    """(months served, months paid) per person in a calendar year.

    Policy (DOMAIN Coordinator 3): a month counts for whoever holds the role on its last
    day; of a shared role both have served it and the payee is paid for it.
    """
    network(register, network_id)
    served: dict[str, int] = {}
    paid: dict[str, int] = {}
    for month in range(1, 13):
        last_day = dt.date(year, month, calendar.monthrange(year, month)[1])
        spell = coordinator(register, network_id, last_day)
        if spell is None:
            continue
        for person_id, _ in spell.holders:
            served[person_id] = served.get(person_id, 0) + 1
        if spell.payee is not None:
            paid[spell.payee] = paid.get(spell.payee, 0) + 1
    return served, paid


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
        for network_id, spells in register.spells.items()
        for spell in spells
        if person_id in (p for p, _ in spell.holders)
    ]
    if not (holdings or memberships):
        raise NotFound(None, f"the register knows no person {person_id!r}")
    return {
        "holdings": sorted(holdings, key=lambda row: row["from"] or ""),
        "memberships": sorted(memberships, key=lambda row: row["from"] or ""),
        "coordinator": sorted(roles, key=lambda row: row["from"] or ""),
    }
