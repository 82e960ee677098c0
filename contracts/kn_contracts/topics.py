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
    # who else consumes it: the broker lets them read it (and write its dead letters), no more
    readers: tuple[str, ...] = ()
    partitions: int = 3
    retention_ms: int = -1
    # bytes we cannot rewrite (an inbound topic): kept only a bounded time (issue 15)
    bounded: bool = False
    # a keys topic: one record per key id, a tombstone deletes it (issue 15)
    compacted: bool = False

    @property
    def dlq(self) -> str:
        """Where messages that cannot be applied go, with the reason in headers."""
        return self.name + DLQ_SUFFIX

    @property
    def config(self) -> dict[str, str]:
        """Topic-level Kafka configuration (a bounded topic at the default retention)."""
        return self.config_with(DEFAULT_BOUNDED_RETENTION_MS)

    def config_with(self, bounded_retention_ms: int) -> dict[str, str]:
        """Topic-level Kafka configuration, a bounded topic kept `bounded_retention_ms`."""
        if self.compacted:
            return dict(COMPACTED)
        retention = bounded_retention_ms if self.bounded else self.retention_ms
        return {"retention.ms": str(retention), "cleanup.policy": "delete"}

    @staticmethod
    def dlq_config(bounded_retention_ms: int) -> dict[str, str]:
        """Every dead-letter topic keeps its letters' bytes a bounded time (issue 15)."""
        return {"retention.ms": str(bounded_retention_ms), "cleanup.policy": "delete"}


DAY_MS = 86_400_000
DEFAULT_BOUNDED_RETENTION_MS = 400 * DAY_MS
"""How long inbound and dead-letter topics keep bytes (KN_BOUNDED_RETENTION_DAYS)."""
HOUR_MS = 3_600_000
KEY_ERASED_WITHIN_MS = 3 * HOUR_MS
"""An erased key's record physically leaves its keys topic within about this: the active
segment rolls after an hour (segment.ms), the cleaner must compact a dirty segment within an
hour (max.compaction.lag.ms) and the tombstone itself goes an hour later (delete.retention.ms);
plus the cleaner's own scheduling (log.cleaner.backoff.ms, 15 s by default)."""
COMPACTED: dict[str, str] = {
    "cleanup.policy": "compact",
    "segment.ms": str(HOUR_MS),
    "max.compaction.lag.ms": str(HOUR_MS),
    "delete.retention.ms": str(HOUR_MS),
    "min.cleanable.dirty.ratio": "0.01",
}


MEMBERSHIP_EVENTS = Topic(
    name="kn.membership.events",
    owner="membership",
    key="network id (cluster id for cluster events; ydernummer while awaiting a network)",
    description="Networks, members, clinics and coordinators, as facts with effective dates.",
    events=MEMBERSHIP_EVENT_TYPES,
    readers=("meetings", "finance", "reporting"),
)
MEETINGS_EVENTS = Topic(
    name="kn.meetings.events",
    owner="meetings",
    key="network id ('mandatory-topics' for the year's mandatory topic)",
    description="Meeting plans, held meetings and attendance lists.",
    events=MEETINGS_EVENT_TYPES,
    readers=("finance", "reporting"),
)
FINANCE_EVENTS = Topic(
    name="kn.finance.events",
    owner="finance",
    key="network id ('rates' for rate tables, 'fee-years' for a year's close)",
    description="Rate tables, bookings, invoices and their decisions, the fee year's close.",
    events=FINANCE_EVENT_TYPES,
    readers=("reporting",),
)
FINANCE_PAYOUTS = Topic(
    name="kn.finance.payouts",
    owner="finance",
    key="network id",
    description="Outbound to EKM's finance system: pool payouts, coordinator fees due and "
    "adjustments. Each ce_id is a UUIDv5 of the kind, the thing paid and its payout "
    "revision: de-duplicate by it; a replay republishes nothing new.",
    events=PAYOUT_EVENT_TYPES,
    readers=("reporting", "ekm-finance"),  # ekm-finance: EKM's finance system
)
REPORTING_EVENTS = Topic(
    name="kn.reporting.events",
    owner="reporting",
    key="network id",
    description="Annual statuses: submitted by the network's coordinator with the narrative, "
    "acknowledged by EKM.",
    events=REPORTING_EVENT_TYPES,
    readers=("meetings",),
)

REGION_YDERNUMMER = Topic(
    name="kn.region.ydernummer",
    owner="region",
    key="ydernummer (the seller's for a takeover)",
    description="Inbound: the regions' ydernummer changes (opened, shared, unshared, taken over, "
    "closed).",
    events=REGION_EVENT_TYPES,
    bounded=True,  # the regions' bytes, names in clear: kept only KN_BOUNDED_RETENTION_DAYS
    readers=("membership",),
    # one partition: a renter's opening depends on the clinic owner's, a share on the sale
    # before it; changes of different ydernumre must be applied in the order reported
    partitions=1,
)

MEMBERSHIP_KEYS = Topic(
    name="kn.membership.keys",
    owner="membership",
    key="key id",
    description="Compacted: the key (32 bytes, AES-256) of each member's sealed fields, by key "
    "id; a tombstone (no value) once EKM erased the person. Readers keep a copy in their own "
    "database and delete it on the tombstone.",
    events=(),
    readers=("meetings", "reporting"),  # they unseal members' fields (kn_servicekit.personal)
    partitions=1,
    compacted=True,
)
MEETINGS_KEYS = Topic(
    name="kn.meetings.keys",
    owner="meetings",
    key="key id",
    description="Compacted: the key of each sealed attendance line's subject (a member, or a "
    "person written in by hand), by key id; a tombstone once erased.",
    events=(),
    readers=("reporting",),
    partitions=1,
    compacted=True,
)
KEY_TOPICS: tuple[Topic, ...] = (MEMBERSHIP_KEYS, MEETINGS_KEYS)

TOPICS: tuple[Topic, ...] = (
    MEMBERSHIP_EVENTS,
    MEETINGS_EVENTS,
    FINANCE_EVENTS,
    FINANCE_PAYOUTS,
    REPORTING_EVENTS,
    REGION_YDERNUMMER,
    *KEY_TOPICS,
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
