"""What EKM and coordinators ask membership to do (imperative names; events say what happened)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_contracts.events.membership import MembershipRole


@dataclass(frozen=True)
class AddCluster:
    cluster_id: str
    name: str
    effective_date: dt.date


@dataclass(frozen=True)
class RenameCluster:
    cluster_id: str
    name: str
    effective_date: dt.date


@dataclass(frozen=True)
class RetireCluster:
    cluster_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class CreateNetwork:
    network_id: str
    name: str
    cluster_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class NewHolder:
    """What EKM states about a therapist the region feed has not reported yet."""

    name: str
    clinic_id: str
    clinic_name: str
    role: MembershipRole


@dataclass(frozen=True)
class AssignMember:
    network_id: str
    person_id: str
    ydernummer: str
    effective_date: dt.date
    reason: str
    new_holder: NewHolder | None = None


@dataclass(frozen=True)
class MoveMember:
    person_id: str
    ydernummer: str
    to_network_id: str
    effective_date: dt.date
    reason: str


@dataclass(frozen=True)
class RemoveMember:
    person_id: str
    ydernummer: str
    effective_date: dt.date
    reason: str


@dataclass(frozen=True)
class ElectCoordinator:
    network_id: str
    person_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class ShareCoordinatorRole:
    network_id: str
    person_ids: tuple[str, str]
    payee_person_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class ChangeCoordinator:
    network_id: str
    person_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class StepDownAsCoordinator:
    network_id: str
    person_id: str
    effective_date: dt.date


@dataclass(frozen=True)
class EndHolding:
    """EKM ends a person's holding of a ydernummer by hand (Membership 11)."""

    person_id: str
    ydernummer: str
    effective_date: dt.date
    reason: str


@dataclass(frozen=True)
class StatedSpell:
    """One spell of a restated coordinator history: holders (none: vacant) and payee."""

    start: dt.date
    person_ids: tuple[str, ...]
    payee_person_id: str | None


@dataclass(frozen=True)
class RestateCoordinatorSpells:
    """EKM corrects a network's coordinator history from a date (Coordinator 7)."""

    network_id: str
    effective_date: dt.date
    spells: tuple[StatedSpell, ...]
    reason: str


CoordinatorAct = ElectCoordinator | ShareCoordinatorRole | ChangeCoordinator | StepDownAsCoordinator
