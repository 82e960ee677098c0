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


class EndHolding(Reasoned):
    ydernummer: Ydernummer


class StatedSpell(Body):
    start: dt.date
    person_ids: tuple[Identifier, ...] = Field(max_length=2, description="None: vacant.")
    payee_person_id: Identifier | None = None


class Restate(Body):
    effective_date: dt.date = Field(description="Every spell from this date on is replaced.")
    spells: tuple[StatedSpell, ...] = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=3, max_length=500, description="Why EKM corrects it.")


class Reject(Body):
    reason: str = Field(min_length=3, max_length=500, description="What the coordinator reads.")


class Dismiss(Body):
    note: str = Field(min_length=3, max_length=500, description="How it was settled.")


class Recorded(BaseModel):
    """What a command recorded: the events, by type, in order."""

    recorded: list[str]


class Erase(Body):
    reason: str = Field(
        min_length=3,
        max_length=500,
        description="Why (e.g. the person's request and its date); write no name.",
    )
