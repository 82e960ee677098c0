"""Events owned by the membership service (topic kn.membership.events)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from kn_contracts.base import Event
from kn_contracts.values import Identifier, PersonName, Ydernummer

MembershipRole = Literal["owner", "renter"]
JoinReason = Literal["region_feed", "sale", "ekm_assignment", "ekm_move"]


class MembershipEvent(Event):
    """Base of membership's events."""

    owner: ClassVar[str] = "membership"


class MemberJoined(MembershipEvent):
    """A therapist holding a ydernummer became a member of a network (DOMAIN Membership 1-4)."""

    network_id: Identifier
    person_id: Identifier = Field(description="The region's pseudonymous id of the therapist.")
    name: PersonName
    ydernummer: Ydernummer
    clinic_id: Identifier
    role: MembershipRole = Field(description="Owner of the clinic, or renter at it.")
    reason: JoinReason
    note: str | None = Field(None, max_length=500, description="EKM's reason for a manual act.")


class ClinicSold(MembershipEvent):
    """A clinic changed hands: the buyer gets a new ydernummer and the seller's network."""

    clinic_id: Identifier
    network_id: Identifier = Field(description="The seller's network, which the buyer joins.")
    seller_person_id: Identifier
    seller_ydernummer: Ydernummer
    buyer_person_id: Identifier
    buyer_name: PersonName
    buyer_ydernummer: Ydernummer = Field(description="The new ydernummer the region issued.")
