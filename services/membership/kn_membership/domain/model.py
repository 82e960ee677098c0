"""The register's records: holdings, stints (memberships), networks, and what waits for EKM.

Intervals are [start, end): a membership that ends on D was last in force the day before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kn_contracts.events import membership as ev
from kn_membership.domain.facts import Who

# Leave reasons that end the holding itself, not only a membership through it
HOLDING_ENDS: frozenset[str] = frozenset(
    {"sale", "ydernummer_closed", "ydernummer_unshared", "ekm_holding_ended"}
)


@dataclass(frozen=True)
class Holding:
    """A person holding a ydernummer at a clinic, from `start` until `end`."""

    person_id: str
    name: str
    ydernummer: str
    clinic_id: str
    clinic_name: str
    role: ev.MembershipRole
    start: dt.date
    end: dt.date | None = None
    end_reason: ev.LeaveReason | None = None
    note: str | None = None  # why it waits for EKM, if not a brand-new clinic

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def who(self) -> Who:
        return Who(
            self.person_id, self.name, self.ydernummer, self.clinic_id, self.clinic_name, self.role
        )


@dataclass(frozen=True)
class Stint:
    """A membership of a network through one holding, from `start` until `end`."""

    network_id: str
    person_id: str
    ydernummer: str
    clinic_id: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""  # why it began (a JoinReason)
    end_reason: ev.LeaveReason | None = None
    cut_from: dt.date | None = None  # the end it had before a later-reported leave cut it

    def active(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def empty(self) -> bool:
        """Ended on the day it began: a stint a later-reported end covered (Membership 12)."""
        return self.end is not None and self.end <= self.start


@dataclass(frozen=True)
class Rejection:
    """A region change the register contradicted, waiting for EKM; `number` orders the list."""

    number: int
    change_key: str
    change_type: str
    change: str
    ydernummer: str | None
    rule: str | None
    reason: str
    effective_date: dt.date
    reported_on: dt.date


RequestStatus = Literal["pending", "confirmed", "rejected"]


@dataclass(frozen=True)
class Request:
    """A coordinator's report of a coordinator act, waiting for EKM (Coordinator 9)."""

    network_id: str
    number: int
    act: ev.CoordinatorAct
    person_ids: tuple[str, ...]
    payee_person_id: str | None
    effective_date: dt.date
    requested_by: str
    status: RequestStatus = "pending"
    reason: str | None = None  # EKM's, when rejected


@dataclass(frozen=True)
class Network:
    network_id: str
    name: str
    cluster_id: str
    created: dt.date
