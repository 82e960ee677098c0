"""The region feed consumer: each ydernummer change becomes register events, exactly once.

It runs under the kit's projection runner, so the events it appends commit in the same
transaction as the feed offsets, one message a transaction (so the append lock is never
held longer than one decision). A change that contradicts the register is recorded as a
fact, RegionChangeRejected, on EKM's unresolved list; only a message that cannot be decoded
or breaks its contract goes to the feed's dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_membership import handlers
from kn_membership.domain import feed
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause, copenhagen_date
from kn_servicekit.db import Connection
from kn_servicekit.folds import FoldCache
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Delivery
from kn_servicekit.subject_keys import SubjectKeys


class RegionFeed:
    """Applies the region's ydernummer changes to the register."""

    name = "region_feed"
    derived = False  # it appends register events: the source of truth, commit durably

    def __init__(
        self,
        topic: str,
        catalog: Catalog,
        topic_for: Callable[[Event], str],
        registers: FoldCache[Register] | None = None,
        keys: SubjectKeys | None = None,
    ) -> None:
        self.topics: tuple[str, ...] = (topic,)
        self._catalog = catalog
        self._topic_for = topic_for
        self._registers = registers
        self._keys = keys  # the region's names are sealed as the register records them

    async def create(self, conn: Connection) -> None:
        """The feed keeps no tables of its own: its output is register events."""

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        store = PostgresEventStore(conn, self._catalog, self._topic_for, self._keys)
        for delivery in batch:
            change, envelope = delivery.event, delivery.envelope
            cause_key = f"{envelope.source}#{envelope.id}"
            # "today" is the day the region reported it, so a replay decides the same
            today = copenhagen_date(envelope.time)
            cause = Cause(change.actor, cause_key, change.correlation_id, today)
            await handlers.handle(
                store, feed.decision(change, cause, cause_key), cause_key, self._registers
            )
