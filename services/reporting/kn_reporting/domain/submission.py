"""The coordinator's submission of the annual status and EKM's acknowledgement (DOMAIN
"Annual status", who writes it: the coordinator adds the narrative and submits; EKM
acknowledges; due 31 January of the next year, flagged when overdue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from kn_contracts.base import Event
from kn_contracts.events.reporting import (
    AnnualStatusAcknowledged,
    AnnualStatusSubmitted,
    Narrative,
)
from kn_reporting.domain.errors import WHO_WRITES, Conflict, Invalid
from kn_reporting.domain.policy import Policy
from kn_servicekit.access import EKM, is_coordinator_of
from kn_servicekit.cause import Cause
from kn_servicekit.errors import AccessDenied

FilingStatus = Literal["not_submitted", "submitted", "acknowledged"]


def stream_of(network_id: str, year: int) -> str:
    """The stream of one network's annual status for one year."""
    return f"annual-status:{network_id}:{year}"


@dataclass(frozen=True)
class Filing:
    """What was recorded of a status: the submission and the acknowledgement, if any."""

    submitted: AnnualStatusSubmitted | None = None
    acknowledged: AnnualStatusAcknowledged | None = None


def evolve(filing: Filing, event: Event) -> Filing:
    if isinstance(event, AnnualStatusSubmitted):
        return replace(filing, submitted=event)
    if isinstance(event, AnnualStatusAcknowledged):
        return replace(filing, acknowledged=event)
    return filing


def filed(events: Iterable[Event], year: int) -> Filing:
    """The filing of `year` among a network's facts."""
    found = Filing()
    for event in events:
        if (
            isinstance(event, AnnualStatusSubmitted | AnnualStatusAcknowledged)
            and event.year == year
        ):
            found = evolve(found, event)
    return found


def submit(
    filing: Filing, network_id: str, year: int, narrative: Narrative, digest: str, cause: Cause
) -> list[Event]:
    """The network's coordinator submits the year's status with the narrative, once."""
    if not is_coordinator_of(cause.actor, network_id):
        raise AccessDenied(
            WHO_WRITES,
            f"only the coordinator of {network_id} submits its "
            f"annual status; {cause.actor} may not",
        )
    if year > cause.today.year:
        raise Invalid(
            WHO_WRITES,
            f"the year {year} has not begun: a status reports a year "
            "that has begun, usually after its last meeting",
        )
    if filing.submitted is not None:
        raise Conflict(
            WHO_WRITES,
            f"the {year} status of {network_id} was submitted on "
            f"{filing.submitted.effective_date}; it is submitted once",
        )
    return [
        AnnualStatusSubmitted(
            **cause.stamp(cause.today),
            network_id=network_id,
            year=year,
            narrative=narrative,
            figures_sha256=digest,
        )
    ]


def acknowledge(
    filing: Filing, network_id: str, year: int, note: str | None, cause: Cause
) -> list[Event]:
    """EKM acknowledges a submitted status, once."""
    if cause.actor != EKM:
        raise AccessDenied(
            WHO_WRITES, f"only EKM acknowledges an annual status; {cause.actor} may not"
        )
    if filing.submitted is None:
        raise Invalid(
            WHO_WRITES,
            f"the {year} status of {network_id} is not submitted yet: "
            "its coordinator submits it first",
        )
    if filing.acknowledged is not None:
        raise Conflict(
            WHO_WRITES,
            f"the {year} status of {network_id} was acknowledged on "
            f"{filing.acknowledged.effective_date}",
        )
    return [
        AnnualStatusAcknowledged(
            **cause.stamp(cause.today), network_id=network_id, year=year, note=note
        )
    ]


@dataclass(frozen=True)
class Submission:
    """Where the status stands: submitted (with the narrative and the digest of the figures
    then), acknowledged, and whether it is overdue."""

    status: FilingStatus
    due: dt.date
    overdue: bool  # not submitted by the due date
    submitted_on: dt.date | None
    submitted_late: bool
    narrative: Narrative | None
    submitted_figures_sha256: str | None
    figures_changed_since_submitted: bool
    acknowledged_on: dt.date | None
    acknowledgement_note: str | None


def submission(
    filing: Filing, year: int, today: dt.date, policy: Policy, digest: str | None = None
) -> Submission:
    """The status's filing as of `today`; overdue when not submitted by the due date. With
    the digest of today's figures, whether they changed since they were submitted."""
    sent, ack = filing.submitted, filing.acknowledged
    status: FilingStatus = "acknowledged" if ack else "submitted" if sent else "not_submitted"
    return Submission(
        status=status,
        due=policy.due(year),
        overdue=sent is None and today > policy.due(year),
        submitted_on=sent.effective_date if sent else None,
        submitted_late=sent is not None and sent.effective_date > policy.due(year),
        narrative=sent.narrative if sent else None,
        submitted_figures_sha256=sent.figures_sha256 if sent else None,
        figures_changed_since_submitted=(
            sent is not None and digest is not None and sent.figures_sha256 != digest
        ),
        acknowledged_on=ack.effective_date if ack else None,
        acknowledgement_note=ack.note if ack else None,
    )
