"""Vivid literal data for membership tests: the Aalborg Øst network and its clinics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_contracts.events import region as rg
from kn_membership.domain import commands as cmd
from kn_membership.domain import coordinator, feed, manual
from kn_membership.domain.consequences import complete
from kn_membership.domain.register import Register, fold
from kn_servicekit.cause import Cause

JAN_1 = dt.date(2025, 1, 1)
REGION = Cause("region:nordjylland", "feed-1", "feed-1", JAN_1)
EKM = Cause("ekm", "http:1", "http:1", JAN_1)


def stamp(on: dt.date, actor: str = "region:nordjylland") -> dict[str, Any]:
    return {"effective_date": on, "actor": actor, "causation_id": "c", "correlation_id": "c"}


def opened(
    ydernummer: str, person: str, name: str, clinic: str, on: dt.date, role: str = "owner"
) -> rg.YdernummerOpened:
    return rg.YdernummerOpened.model_validate(
        {
            **stamp(on),
            "ydernummer": ydernummer,
            "person_id": person,
            "name": name,
            "clinic_id": clinic,
            "clinic_name": clinic.replace("-", " ").title(),
            "role": role,
        }
    )


def shared(ydernummer: str, person: str, name: str, on: dt.date) -> rg.YdernummerShared:
    return rg.YdernummerShared(**stamp(on), ydernummer=ydernummer, person_id=person, name=name)


def unshared(ydernummer: str, person: str, on: dt.date) -> rg.YdernummerUnshared:
    return rg.YdernummerUnshared(**stamp(on), ydernummer=ydernummer, person_id=person)


def taken_over(
    clinic: str, seller: str, buyer: str, buyer_name: str, buyer_yn: str, on: dt.date
) -> rg.ClinicTakenOver:
    return rg.ClinicTakenOver(
        **stamp(on),
        clinic_id=clinic,
        seller_ydernummer=seller,
        buyer_person_id=buyer,
        buyer_name=buyer_name,
        buyer_ydernummer=buyer_yn,
    )


def closed(ydernummer: str, on: dt.date) -> rg.YdernummerClosed:
    return rg.YdernummerClosed(**stamp(on), ydernummer=ydernummer)


class Book:
    """A register built up by deciding, the way the service does, one change at a time."""

    def __init__(self) -> None:
        self.events: list[Event] = [
            ev.ClusterAdded(**stamp(JAN_1, "system:seed"), cluster_id="aalborg", name="Aalborg"),
        ]
        self.apply(cmd.CreateNetwork("aalborg-oest", "Aalborg Øst", "aalborg", JAN_1))

    @property
    def register(self) -> Register:
        return fold(self.events)

    def feed(self, change: Event) -> list[Event]:
        register = self.register
        decided = complete(register, feed.decide(change, register, REGION))
        self.events += decided
        return decided

    def apply(self, command: object) -> list[Event]:
        register = self.register
        decided = complete(register, manual.decide(command, register, EKM))
        self.events += decided
        return decided

    def coordinate(self, command: object) -> list[Event]:
        """EKM records a coordinator act (or restates the history)."""
        register = self.register
        decided = complete(register, coordinator.decide(command, register, EKM))
        self.events += decided
        return decided

    def founded_clinic(
        self,
        clinic: str,
        ydernummer: str,
        person: str,
        name: str,
        network: str = "aalborg-oest",
        on: dt.date = JAN_1,
    ) -> None:
        """An owner at a new clinic, then assigned by EKM: how a network gets its first clinic."""
        self.feed(opened(ydernummer, person, name, clinic, on))
        self.apply(cmd.AssignMember(network, person, ydernummer, on, "new clinic in the area"))
