"""The people and clinics of the demo year's two other networks, beside DOMAIN's worked
example (Aalborg Øst, scenario.py): Aalborg Vest in the same cluster and Aarhus Nord in
another, what the region reports of them and the invoices EKM receives. Every name is made
up; the ids are the region's pseudonymous ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from kn_contracts.events import region as rg
from kn_deploy.scenario_kit import region_stamp

FIRST = ("Anne", "Bjarne", "Camilla", "Dorthe", "Emil", "Freja", "Gustav", "Hanne", "Ida",
         "Jens", "Karin", "Lars", "Mette", "Niels", "Oliver", "Pernille", "Rasmus", "Sofie",
         "Thomas", "Ulla", "Viggo", "Else")  # fmt: skip
LAST = ("Andersen", "Bech", "Christensen", "Dahl", "Eriksen", "Frandsen", "Gregersen", "Holm",
        "Iversen", "Jakobsen", "Kjær", "Lund", "Mikkelsen", "Nielsen", "Olsen", "Rasmussen",
        "Sørensen", "Thomsen", "Vestergaard", "Winther", "Østergaard", "Bak")  # fmt: skip


@dataclass(frozen=True)
class Clinic:
    clinic_id: str
    name: str


@dataclass(frozen=True)
class Person:
    """A therapist holding a ydernummer at a clinic (several may share one)."""

    person_id: str
    name: str
    ydernummer: str
    clinic: Clinic


@dataclass(frozen=True)
class Network:
    """A network of the demo year: its clinics and the owners holding a ydernummer there on
    1 January 2025 (the first listed at a clinic opened it; EKM assigns that clinic)."""

    network_id: str
    name: str
    cluster_id: str
    region: str  # the region system reporting its ydernumre
    owners: tuple[Person, ...]
    members_on_31_december: int

    def person(self, person_id: str) -> Person:
        return next(p for p in self.owners + EXTRA if p.person_id == person_id)

    def firsts(self) -> list[Person]:
        """The first owner of each clinic: the one EKM assigns, the others join with them."""
        seen: dict[str, Person] = {}
        for owner in self.owners:
            seen.setdefault(owner.clinic.clinic_id, owner)
        return list(seen.values())


def _people(
    prefix: str, base: int, offset: int, clinics: list[tuple[Clinic, int]]
) -> tuple[Person, ...]:
    found: list[Person] = []
    for clinic, count in clinics:
        for _ in range(count):
            n = len(found) + 1
            name = f"{FIRST[(n + offset) % len(FIRST)]} {LAST[(7 * n + offset) % len(LAST)]}"
            found.append(Person(f"{prefix}-{n:02d}", name, f"{base + n}", clinic))
    return tuple(found)


FREJLEV = Clinic("av-frejlev", "Frejlev Fysioterapi")
HASSERIS = Clinic("av-hasseris", "Hasseris Fysioterapi")
LYSTRUP = Clinic("an-lystrup", "Lystrup Fysioterapi")
RISSKOV = Clinic("an-risskov", "Risskov Fysioterapi")

AALBORG_VEST = Network(
    "aalborg-vest",
    "Aalborg Vest",
    "aalborg",
    "nordjylland",
    _people("av", 510100, 0, [
        (FREJLEV, 1),  # av-01, the first coordinator, sells the clinic on 1 July
        (Clinic("av-vestbyen", "Fysioterapien Vestbyen"), 4),
        (HASSERIS, 4),
        (Clinic("av-skalborg", "Skalborg Fysio"), 4),
        (Clinic("av-gug", "Gug Træningscenter"), 4),
        (Clinic("av-svenstrup", "Svenstrup Fysioterapi"), 3),
    ]),
    members_on_31_december=21,  # 20, a renter from April, the seller out and the buyer in
)  # fmt: skip

_AARHUS = list(_people("an", 520100, 9, [
    (RISSKOV, 4),  # an-03 and an-04 share one ydernummer (below)
    (Clinic("an-skejby", "Skejby Fysio"), 4),
    (LYSTRUP, 3),
    (Clinic("an-egaa", "Egå Bevægelsesklinik"), 3),
    (Clinic("an-trige", "Trige Fysioterapi"), 3),
    (Clinic("an-elev", "Elev Fysioterapi"), 3),
]))  # fmt: skip
_AARHUS[3] = Person("an-04", _AARHUS[3].name, _AARHUS[2].ydernummer, RISSKOV)
AARHUS_NORD = Network(
    "aarhus-nord",
    "Aarhus Nord",
    "aarhus",
    "midtjylland",
    tuple(_AARHUS),
    members_on_31_december=21,  # 20, and a co-owner from May whose report came late
)

RENTER = Person("av-21", "Asger Krogh", "510121", HASSERIS)  # rents in from 1 April
BUYER = Person("av-22", "Bodil Munk", "510122", FREJLEV)  # buys Frejlev from av-01, 1 July
LATE = Person("an-21", "Cecilie Lauridsen", "520121", LYSTRUP)  # co-owner from 1 May
EXTRA = (RENTER, BUYER, LATE)
NETWORKS = (AALBORG_VEST, AARHUS_NORD)
JAN_1 = dt.date(2025, 1, 1)


def shares(person: Person, network: Network) -> bool:
    """Whether someone listed before `person` holds the same ydernummer (Membership 1)."""
    before = network.owners[: network.owners.index(person)]
    return any(p.ydernummer == person.ydernummer for p in before)


def opened(
    person: Person, role: Literal["owner", "renter"], region: str, on: dt.date
) -> rg.YdernummerOpened:
    """The region's report that `person` holds their ydernummer at the clinic from `on`."""
    return rg.YdernummerOpened(
        **region_stamp(on, region),
        ydernummer=person.ydernummer,
        person_id=person.person_id,
        name=person.name,
        clinic_id=person.clinic.clinic_id,
        clinic_name=person.clinic.name,
        role=role,
    )


def sharing(person: Person, region: str) -> rg.YdernummerShared:
    """The region's report that `person` shares a ydernummer held since 1 January."""
    return rg.YdernummerShared(
        **region_stamp(JAN_1, region),
        ydernummer=person.ydernummer,
        person_id=person.person_id,
        name=person.name,
    )


@dataclass(frozen=True)
class Bill:
    """An invoice EKM receives for one of a network's meetings, from a supplier (name, CVR,
    its invoice number), and finance's first decision the story expects (øre)."""

    invoice_id: str
    meeting: str
    kroner: int
    coordinator: str  # the person the invoice names as coordinator
    supplier: tuple[str, str, str]
    received: str
    due: str
    cost_kind: str = "venue"
    status: str = "approved"
    approved: int | None = None  # None: the whole amount

    def expected(self) -> tuple[str, int]:
        return self.status, self.kroner * 100 if self.approved is None else self.approved

    def body(self, network: Network) -> dict[str, Any]:
        name, cvr, number = self.supplier
        return {
            "invoice_id": f"{network.network_id}-{self.invoice_id}",
            "network_id": network.network_id,
            "coordinator_name": network.person(self.coordinator).name,
            "meeting_date": self.meeting,
            "due_date": self.due,
            "amount": self.kroner * 100,
            "payee": {"kind": "danish_account", "reference": f"9570-{cvr}00"},
            "supplier_name": name,
            "supplier_cvr": cvr,
            "supplier_invoice_number": number,
            "received_date": self.received,
            "cost_kind": self.cost_kind,
        }
