"""Who belonged to which network on a day, from membership's dated facts.

Facts may arrive late or ahead of their date, so membership on day D is read from the dates:
a membership (network, person, ydernummer, clinic) holds on D when its latest fact dated on
or before D is a join; a leave dated L ends it before L, i.e. the interval is [joined, left).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FactKind = Literal["joined", "left"]


@dataclass(frozen=True)
class MembershipFact:
    """A join or leave as membership published it; `seq` is the order it arrived in."""

    kind: FactKind
    network_id: str
    person_id: str
    ydernummer: str
    clinic_id: str
    effective_date: dt.date
    seq: int
    name: str | None = None
    clinic_name: str | None = None


@dataclass(frozen=True)
class Membership:
    """A member of a network on the roster's day."""

    network_id: str
    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str


@dataclass(frozen=True)
class Roster:
    """Memberships in force on one day."""

    day: dt.date
    memberships: tuple[Membership, ...]

    def of_network(self, network_id: str) -> list[Membership]:
        return sorted(
            (m for m in self.memberships if m.network_id == network_id),
            key=lambda m: (m.name.casefold(), m.person_id),
        )

    def of_person(self, person_id: str) -> list[Membership]:
        return [m for m in self.memberships if m.person_id == person_id]

    def of_ydernummer(self, ydernummer: str) -> list[Membership]:
        return [m for m in self.memberships if m.ydernummer == ydernummer]


def roster_on(day: dt.date, facts: Iterable[MembershipFact]) -> Roster:
    """The memberships in force on `day`."""
    latest: dict[tuple[str, str, str, str], MembershipFact] = {}
    names: dict[tuple[str, str, str, str], MembershipFact] = {}
    for fact in sorted(facts, key=lambda f: (f.effective_date, f.seq)):
        key = (fact.network_id, fact.person_id, fact.ydernummer, fact.clinic_id)
        if fact.kind == "joined":
            names[key] = fact
        if fact.effective_date <= day:
            latest[key] = fact
    held = [
        Membership(
            network_id=key[0],
            person_id=key[1],
            name=names[key].name or key[1],
            ydernummer=key[2],
            clinic_id=key[3],
            clinic_name=names[key].clinic_name or key[3],
        )
        for key, fact in latest.items()
        if fact.kind == "joined"
    ]
    return Roster(day, tuple(held))
