"""Events owned by the reporting service (topic kn.reporting.events, key: the network id).

The annual status's figures are generated from the log (DOMAIN "Annual status", who writes
it); what a person adds is recorded here: the coordinator's narrative and submission, and
EKM's acknowledgement.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.base import Event
from kn_contracts.values import Identifier

StatusYear = Annotated[int, Field(ge=2000, le=2100, description="The calendar year reported.")]
Prose = Annotated[str, Field(min_length=1, max_length=5000)]


class ReportingEvent(Event):
    """Base of reporting's events."""

    owner: ClassVar[str] = "reporting"


class Narrative(BaseModel):
    """What the coordinator writes in the annual status (seed 001, "Årlig status")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    worked_on: Prose = Field(description="What the network worked on in the year.")
    agreements: Prose = Field(description="The agreements the network made.")
    follow_ups: Prose = Field(description="Follow-ups: what the members do next, and when.")


class AnnualStatusSubmitted(ReportingEvent):
    """The network's coordinator submitted the year's annual status to EKM, with the
    narrative (effective date: the day submitted; due 31 January of the next year)."""

    network_id: Identifier
    year: StatusYear
    narrative: Narrative
    figures_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the canonical JSON of the generated figures the coordinator "
        "submitted (sorted keys, integer øre, ISO dates).",
    )


class AnnualStatusAcknowledged(ReportingEvent):
    """EKM acknowledged a submitted annual status."""

    network_id: Identifier
    year: StatusYear
    note: str | None = Field(None, max_length=1000)


REPORTING_EVENT_TYPES: tuple[type[Event], ...] = (AnnualStatusSubmitted, AnnualStatusAcknowledged)
