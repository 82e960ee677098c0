"""The region systems' ydernummer feed (topic kn.region.ydernummer), published into Kafka.

A region system can publish these with any Kafka client (kcat is enough): binary-mode
CloudEvents, JSON body valid against contracts/schemas/dk.kvalitetsnet.region.*.json, key =
the ydernummer. Changes usually take effect on the 1st of a month and are often published
ahead; a late report carries its past date.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from kn_contracts.base import Event
from kn_contracts.values import Identifier, PersonName, Ydernummer


class RegionEvent(Event):
    """Base of the region feed."""

    owner: ClassVar[str] = "region"


class YdernummerOpened(RegionEvent):
    """A therapist got a ydernummer at a clinic, as its owner or renting in."""

    ydernummer: Ydernummer
    person_id: Identifier = Field(description="The region's pseudonymous id of the therapist.")
    name: PersonName
    clinic_id: Identifier
    clinic_name: str = Field(min_length=1, max_length=200)
    role: Literal["owner", "renter"]


class YdernummerShared(RegionEvent):
    """Another therapist now shares an existing ydernummer."""

    ydernummer: Ydernummer
    person_id: Identifier
    name: PersonName


class YdernummerUnshared(RegionEvent):
    """One holder of a shared ydernummer stops holding it; the others keep it (DOMAIN
    Membership 11). A ydernummer with one holder left that ends is YdernummerClosed."""

    ydernummer: Ydernummer
    person_id: Identifier = Field(description="The holder who stops holding it.")


class ClinicTakenOver(RegionEvent):
    """A clinic was sold: the buyer was issued a new ydernummer for it."""

    clinic_id: Identifier
    seller_ydernummer: Ydernummer
    buyer_person_id: Identifier
    buyer_name: PersonName
    buyer_ydernummer: Ydernummer


class YdernummerClosed(RegionEvent):
    """A ydernummer ended."""

    ydernummer: Ydernummer


REGION_EVENT_TYPES: tuple[type[Event], ...] = (
    YdernummerOpened,
    YdernummerShared,
    YdernummerUnshared,
    ClinicTakenOver,
    YdernummerClosed,
)
