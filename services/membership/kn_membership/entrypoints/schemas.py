"""Request and response bodies of membership's HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.values import Identifier, PersonName, Ydernummer


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddCluster(Body):
    cluster_id: Identifier
    name: str = Field(min_length=1, max_length=200)
    effective_date: dt.date | None = None


class RenameCluster(Body):
    name: str = Field(min_length=1, max_length=200)
    effective_date: dt.date | None = None


class Dated(Body):
    effective_date: dt.date | None = None


class CreateNetwork(Body):
    network_id: Identifier
    name: str = Field(min_length=1, max_length=200)
    cluster_id: Identifier
    effective_date: dt.date | None = None


class Reasoned(Body):
    effective_date: dt.date
    reason: str = Field(min_length=3, max_length=500, description="Why EKM does this by hand.")


class AssignMember(Reasoned):
    person_id: Identifier
    ydernummer: Ydernummer
    name: PersonName | None = None
    clinic_id: Identifier | None = None
    clinic_name: str | None = Field(None, min_length=1, max_length=200)
    role: Literal["owner", "renter"] | None = None


class MoveMember(Reasoned):
    ydernummer: Ydernummer
    to_network_id: Identifier


class RemoveMember(Reasoned):
    ydernummer: Ydernummer


class Elect(Body):
    person_id: Identifier
    effective_date: dt.date


class Share(Body):
    person_ids: tuple[Identifier, Identifier]
    payee_person_id: Identifier
    effective_date: dt.date


class Dismiss(Body):
    note: str = Field(min_length=3, max_length=500, description="How it was settled.")


class Recorded(BaseModel):
    """What a command recorded: the events, by type, in order."""

    recorded: list[str]
