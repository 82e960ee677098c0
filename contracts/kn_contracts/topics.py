"""The topic registry: every topic, who writes it, how it is keyed, what it carries."""

from __future__ import annotations

from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.events.finance import FINANCE_EVENT_TYPES
from kn_contracts.events.meetings import MEETINGS_EVENT_TYPES
from kn_contracts.events.membership import MEMBERSHIP_EVENT_TYPES
from kn_contracts.events.payouts import PAYOUT_EVENT_TYPES
from kn_contracts.events.region import REGION_EVENT_TYPES
from kn_contracts.events.reporting import REPORTING_EVENT_TYPES
from kn_contracts.upcasters import UPCASTERS

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topic:
    """A Kafka topic of the system; event topics keep their data forever."""

    name: str
    owner: str
    key: str
    description: str
    events: tuple[type[Event], ...]
    partitions: int = 3
    retention_ms: int = -1

    @property
    def dlq(self) -> str:
        """Where messages that cannot be applied go, with the reason in headers."""
        return self.name + DLQ_SUFFIX

    @property
    def config(self) -> dict[str, str]:
        """Topic-level Kafka configuration."""
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": "delete"}


MEMBERSHIP_EVENTS = Topic(
    name="kn.membership.events",
    owner="membership",
    key="network id (cluster id for cluster events; ydernummer while awaiting a network)",
    description="Networks, members, clinics and coordinators, as facts with effective dates.",
    events=MEMBERSHIP_EVENT_TYPES,
)
MEETINGS_EVENTS = Topic(
    name="kn.meetings.events",
    owner="meetings",
    key="network id ('mandatory-topics' for the year's mandatory topic)",
    description="Meeting plans, held meetings and attendance lists.",
    events=MEETINGS_EVENT_TYPES,
)
FINANCE_EVENTS = Topic(
    name="kn.finance.events",
    owner="finance",
    key="network id ('rates' for rate tables, 'fee-years' for a year's close)",
    description="Rate tables, bookings, invoices and their decisions, the fee year's close.",
    events=FINANCE_EVENT_TYPES,
)
FINANCE_PAYOUTS = Topic(
    name="kn.finance.payouts",
    owner="finance",
    key="network id",
    description="Outbound to EKM's finance system: pool payouts, coordinator fees due and "
    "adjustments. Each ce_id is a UUIDv5 of the kind, the thing paid and its payout "
    "revision: de-duplicate by it; a replay republishes nothing new.",
    events=PAYOUT_EVENT_TYPES,
)
REPORTING_EVENTS = Topic(
    name="kn.reporting.events",
    owner="reporting",
    key="network id",
    description="Annual statuses: submitted by the network's coordinator with the narrative, "
    "acknowledged by EKM.",
    events=REPORTING_EVENT_TYPES,
)

REGION_YDERNUMMER = Topic(
    name="kn.region.ydernummer",
    owner="region",
    key="ydernummer (the seller's for a takeover)",
    description="Inbound: the regions' ydernummer changes (opened, shared, unshared, taken over, "
    "closed).",
    events=REGION_EVENT_TYPES,
    # one partition: a renter's opening depends on the clinic owner's, a share on the sale
    # before it; changes of different ydernumre must be applied in the order reported
    partitions=1,
)

TOPICS: tuple[Topic, ...] = (
    MEMBERSHIP_EVENTS,
    MEETINGS_EVENTS,
    FINANCE_EVENTS,
    FINANCE_PAYOUTS,
    REPORTING_EVENTS,
    REGION_YDERNUMMER,
)


def topic_named(name: str) -> Topic:
    """The registered topic called `name`."""
    for topic in TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(f"no topic {name!r} in the registry")


def event_types() -> dict[str, type[Event]]:
    """Every registered event class by its CloudEvents type."""
    return {event.ce_type(): event for topic in TOPICS for event in topic.events}


def topic_of(event: Event | type[Event]) -> str:
    """The topic an event is published on: its owning service's event topic."""
    for topic in TOPICS:
        if type(event) in topic.events or event in topic.events:
            return topic.name
    raise KeyError(f"{event.ce_type()} is on no registered topic")


def catalog() -> Catalog:
    """Every registered event type, with the upcasters for older versions."""
    return Catalog(event_types().values(), UPCASTERS)
