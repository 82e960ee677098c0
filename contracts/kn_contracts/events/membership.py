"""Events owned by the membership service (topic kn.membership.events).

All are facts with an effective date; a later-recorded fact may take effect earlier (a late
report) or later (announced ahead), so a reader answers "on date D" from the dates, not
from the order the facts arrived in.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.base import Event
from kn_contracts.sealed import Personal, SealedText
from kn_contracts.values import Identifier, PersonName, Ydernummer

MembershipRole = Literal["owner", "renter"]
JoinReason = Literal["region_feed", "sale", "ekm_assignment", "ekm_move"]
LeaveReason = Literal[
    "sale",
    "ydernummer_closed",
    "ydernummer_unshared",
    "ekm_removal",
    "ekm_move",
    "ekm_holding_ended",
]
CoordinatorAct = Literal["elect", "change", "share", "step_down"]


class MembershipEvent(Event):
    """Base of membership's events."""

    owner: ClassVar[str] = "membership"


class ClusterAdded(MembershipEvent):
    """A health cluster networks can belong to (DOMAIN Membership 5: clusters are data)."""

    cluster_id: Identifier
    name: str = Field(min_length=1, max_length=200)


class ClusterRenamed(MembershipEvent):
    """A health cluster got a new name."""

    cluster_id: Identifier
    name: str = Field(min_length=1, max_length=200)


class ClusterRetired(MembershipEvent):
    """A health cluster no longer takes new networks (its networks keep it)."""

    cluster_id: Identifier


class NetworkCreated(MembershipEvent):
    """EKM created a quality network in a health cluster."""

    network_id: Identifier
    name: str = Field(min_length=1, max_length=200)
    cluster_id: Identifier


class MemberJoined(MembershipEvent, Personal):
    """A therapist holding a ydernummer became a member of a network (DOMAIN Membership 1-4).
    Version 2 seals the name and the note under the person's key (issue 15)."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("name", "note")

    network_id: Identifier
    person_id: Identifier = Field(description="The region's pseudonymous id of the therapist.")
    name: SealedText
    ydernummer: Ydernummer
    clinic_id: Identifier
    clinic_name: str = Field(min_length=1, max_length=200)
    role: MembershipRole = Field(description="Owner of the clinic, or renter at it.")
    reason: JoinReason
    note: SealedText | None = Field(None, description="EKM's reason for a manual act.")


class MemberLeft(MembershipEvent, Personal):
    """A membership ended on the effective date (the last day of membership is the day before).
    Version 2 seals the note under the person's key."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("note",)

    network_id: Identifier
    person_id: Identifier
    ydernummer: Ydernummer
    clinic_id: Identifier
    reason: LeaveReason
    note: SealedText | None = None


class MemberAwaitingAssignment(MembershipEvent, Personal):
    """An owner at a brand-new clinic has no network until EKM assigns one (Membership 4).
    Version 2 seals the name and the note under the person's key."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("name", "note")

    person_id: Identifier
    name: SealedText
    ydernummer: Ydernummer
    clinic_id: Identifier
    clinic_name: str = Field(min_length=1, max_length=200)
    role: MembershipRole
    note: SealedText | None = Field(
        None, description="Why EKM must decide, when it is not a new clinic."
    )


class AwaitingAssignmentEnded(MembershipEvent, Personal):
    """A holder waiting for a network stopped waiting without getting one (sold, closed,
    unshared, or EKM ended the holding). Version 2 seals the note."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("note",)

    person_id: Identifier
    ydernummer: Ydernummer
    clinic_id: Identifier
    reason: LeaveReason
    note: SealedText | None = Field(None, description="EKM's reason for a manual act.")


class ClinicSold(MembershipEvent, Personal):
    """A clinic changed hands: the buyer gets a new ydernummer and the seller's network.
    Version 2 seals the buyer's name under the buyer's key."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("buyer_name",)
    subject_fields: ClassVar[tuple[str, ...]] = ("buyer_person_id",)

    clinic_id: Identifier
    network_id: Identifier | None = Field(
        description="The seller's network, which the buyer joins (none if it had none)."
    )
    seller_ydernummer: Ydernummer
    buyer_person_id: Identifier
    buyer_name: SealedText
    buyer_ydernummer: Ydernummer = Field(description="The new ydernummer the region issued.")


class CoordinatorHolder(BaseModel):
    """A member holding the coordinator role. Not sealed (issue 15): finance and the audit
    check an invoice's coordinator against these names, so they must stay readable to
    recompute the same decision after an erasure (see README, "Erasure")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: Identifier
    name: PersonName


class CoordinatorEvent(MembershipEvent):
    """Base of the coordinator's events: each states who holds the role from its date."""

    network_id: Identifier
    holders: tuple[CoordinatorHolder, ...] = Field(
        max_length=2, description="Who holds the role from the effective date (none: vacant)."
    )
    payee_person_id: Identifier | None = Field(
        description="Who is paid the fee; of a shared role, one of the two (Coordinator 2)."
    )
    request: int | None = Field(
        None,
        ge=1,
        description="The number of the coordinator's request EKM confirmed (Coordinator 9); "
        "none when EKM recorded the act itself or it followed from a membership's end.",
    )


class CoordinatorElected(CoordinatorEvent):
    """The network elected its coordinator (Coordinator 1)."""


class CoordinatorRoleShared(CoordinatorEvent):
    """The role is now shared by two members, one of whom is paid."""


class CoordinatorChanged(CoordinatorEvent):
    """Another member took over the role during the year."""


class CoordinatorSteppedDown(CoordinatorEvent):
    """A holder left the role; a co-holder keeps it, or it is vacant."""

    person_id: Identifier = Field(description="Who stepped down.")
    reason: str | None = Field(
        None,
        max_length=500,
        description="Why, when it was not an act: 'membership ended' (Coordinator 6).",
    )


class RestatedSpell(BaseModel):
    """One spell of a restated coordinator history: holders and payee from `start`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.date
    holders: tuple[CoordinatorHolder, ...] = Field(max_length=2)
    payee_person_id: Identifier | None


class CoordinatorSpellsRestated(MembershipEvent):
    """EKM corrects a network's coordinator history (DOMAIN Coordinator 7): every spell from
    the effective date on is replaced by these, with a reason; fees follow the new history."""

    network_id: Identifier
    spells: tuple[RestatedSpell, ...] = Field(
        max_length=50, description="The spells from the effective date on, in date order."
    )
    reason: str = Field(min_length=3, max_length=500)


class CoordinatorActRequested(MembershipEvent):
    """A coordinator reported an election, change, share or step-down from the effective
    date (Coordinator 9): it counts for nothing until EKM confirms it, as the ordinary
    coordinator event naming this request, or rejects it."""

    network_id: Identifier
    request: int = Field(ge=1, description="The request's number within its network.")
    act: CoordinatorAct
    person_ids: tuple[Identifier, ...] = Field(
        min_length=1, max_length=2, description="Who is elected, takes over, shares or steps down."
    )
    payee_person_id: Identifier | None = Field(None, description="Of a shared role: who is paid.")


class CoordinatorActRejected(MembershipEvent):
    """EKM rejected a coordinator's request, with the reason (Coordinator 9)."""

    network_id: Identifier
    request: int = Field(ge=1)
    reason: str = Field(min_length=3, max_length=500)


class RegionChangeRejected(MembershipEvent, Personal):
    """A region change that contradicts the register: kept as a fact, shown on EKM's
    unresolved list, and settled later (applied after a fix, or dismissed with a note).
    Version 2 seals the change's body (it names the person) under the person's key."""

    version: ClassVar[int] = 2
    personal: ClassVar[tuple[str, ...]] = ("change",)
    subject_fields: ClassVar[tuple[str, ...]] = ("subject_id",)

    change_key: str = Field(
        min_length=1, max_length=400, description="The change's ce_source#ce_id: its identity."
    )
    change_type: str = Field(min_length=1, max_length=200, description="The change's ce_type.")
    change: SealedText = Field(description="The change's JSON body, as received.")
    subject_id: Identifier | None = Field(
        None, description="The person the change names (whose key seals it), if any."
    )
    ydernummer: Ydernummer | None = Field(description="The ydernummer the change is about.")
    rule: str | None = Field(max_length=100, description="The DOMAIN rule it contradicts.")
    reason: str = Field(min_length=1, max_length=2000)
    reported_on: dt.date = Field(
        description="The day the region reported it (its ce_time in Copenhagen): a redrive "
        "decides as the feed would have on that day."
    )


class RegionChangeSettled(MembershipEvent):
    """EKM settled a rejected region change: applied once the register allowed it, or
    dismissed with a note."""

    change_key: str = Field(min_length=1, max_length=400)
    outcome: Literal["applied", "dismissed"]
    note: str | None = Field(None, max_length=500)


class PersonErased(MembershipEvent):
    """EKM erased a person's personal data (GDPR art. 17): the person's key is deleted, so
    every sealed field of theirs reads "[slettet]" from now on. It holds no name."""

    subject_id: Identifier = Field(description="The person (or written-in subject) erased.")
    reason: str = Field(min_length=3, max_length=500, description="Why, e.g. the request's date.")
    keys_erased: int = Field(ge=0, description="How many keys of the subject were deleted.")


SEALED_SINCE_V2: tuple[type[Event], ...] = (
    MemberJoined,
    MemberLeft,
    MemberAwaitingAssignment,
    AwaitingAssignmentEnded,
    ClinicSold,
    RegionChangeRejected,
)
"""Membership's events whose version 2 seals personal fields (version 1 read unchanged)."""

MEMBERSHIP_EVENT_TYPES: tuple[type[Event], ...] = (
    ClusterAdded,
    ClusterRenamed,
    ClusterRetired,
    NetworkCreated,
    MemberJoined,
    MemberLeft,
    MemberAwaitingAssignment,
    AwaitingAssignmentEnded,
    ClinicSold,
    CoordinatorElected,
    CoordinatorRoleShared,
    CoordinatorChanged,
    CoordinatorSteppedDown,
    CoordinatorSpellsRestated,
    CoordinatorActRequested,
    CoordinatorActRejected,
    RegionChangeRejected,
    RegionChangeSettled,
    PersonErased,
)
