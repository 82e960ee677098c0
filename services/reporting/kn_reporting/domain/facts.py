"""Which facts reporting keeps from the other services' topics, and under which scope.

A scope is the network a fact is about, or one of the few scopes of facts about all
networks (clusters, the year's mandatory topic, rate tables, a fee year's close).
Reporting folds them by their dates, so the order they arrived in across topics is
immaterial; within a network's stream the order of its service is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import meetings as me
from kn_contracts.events import membership as mb
from kn_contracts.events import payouts as po
from kn_contracts.events import reporting as rp

# a network id never starts with ':' (kn_contracts.values.Identifier), so these cannot clash
CLUSTERS = ":clusters"
MANDATORY_TOPICS = ":mandatory-topics"
RATES = ":rates"
FEE_YEARS = ":fee-years"
COMMON_SCOPES = (CLUSTERS, MANDATORY_TOPICS, RATES, FEE_YEARS)
# an invoice naming no network is in no network's status, but the audit recomputes it too
NO_NETWORK = ":no-network"

NETWORK_FACTS: tuple[type[Event], ...] = (
    mb.NetworkCreated,
    mb.MemberJoined,
    mb.MemberLeft,
    # confirmed coordinator acts only (Coordinator 9): requests count for nothing
    mb.CoordinatorElected,
    mb.CoordinatorRoleShared,
    mb.CoordinatorChanged,
    mb.CoordinatorSteppedDown,
    mb.CoordinatorSpellsRestated,
    me.MeetingScheduled,
    me.MeetingRescheduled,
    me.MeetingTopicsChanged,
    me.MeetingCancelled,
    me.MeetingHeld,
    me.AttendanceRecorded,
    me.AttendanceCorrected,
    fi.InvoiceReceived,
    fi.InvoiceDecided,
    fi.InvoiceOverridden,
    fi.InvoiceMeetingNamed,
    po.PoolPayoutApproved,
    po.CoordinatorFeeDue,
    po.PayoutAdjusted,
    # reporting's own filings, for the overview (a status reads its stream directly)
    rp.AnnualStatusSubmitted,
    rp.AnnualStatusAcknowledged,
)
COMMON_FACTS: dict[type[Event], str] = {
    mb.ClusterAdded: CLUSTERS,
    mb.ClusterRenamed: CLUSTERS,
    me.MandatoryTopicPublished: MANDATORY_TOPICS,
    fi.RateTablePublished: RATES,
    fi.CoordinatorFeeYearClosed: FEE_YEARS,
}


def scope_of(event: Event) -> str | None:
    """The scope a fact is kept under, or None if reporting does not need it."""
    common = COMMON_FACTS.get(type(event))
    if common is not None:
        return common
    if isinstance(event, NETWORK_FACTS):
        network: str | None = getattr(event, "network_id", None)
        if network is None and isinstance(event, fi.FinanceEvent):
            return NO_NETWORK
        return network
    return None


@dataclass(frozen=True)
class Facts:
    """One network's facts and the common ones, each in the order they arrived."""

    network: Sequence[Event]
    common: Sequence[Event]

    def of(self, *types: type[Event]) -> Iterable[Event]:
        """The network's facts of these types, in order."""
        return (e for e in self.network if isinstance(e, types))

    def common_of(self, *types: type[Event]) -> Iterable[Event]:
        """The common facts of these types, in order."""
        return (e for e in self.common if isinstance(e, types))
