"""finance_inputs: finance's own view of meetings and membership, and the decider.

It keeps finance's tables of other services' facts (meetings and their latest list
revisions, networks, coordinator acts) from kn.meetings.events and kn.membership.events.
Deciding, it settles whatever a fact touches in the same transaction as the offsets, one
message a transaction (like membership's region feed): an invoice waiting for its list is
decided when the list arrives, a correction publishes its adjustment, a restated
coordinator history adjusts a closed year's fees. Finance's own facts (invoices, overrides,
rate tables, a year's close) are decided by the command that records them
(handlers.commands). Both read finance's facts from its event store and the others' from
these tables after taking the append lock, so neither decides on the other's half-written
state.

A rebuild replays the tables only (deciding=False): replaying decisions from offset 0
against a store that already holds the later ones would publish their undoing. The live
decider follows the rebuilt schema from the offsets the rebuild stored, so a fact the
rebuild read before the decider did is never delivered to the decider: starting on a
schema (the service's start, or following a rebuild), the decider settles every network
once. Settling converges (it appends only what differs from what the facts say, under ids
derived from the payout), so where nothing was missed it appends nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.events import meetings as mt
from kn_contracts.events import membership as ms
from kn_finance.adapters import tables
from kn_finance.adapters.reading import InputsReader
from kn_finance.handlers import settle
from kn_finance.handlers.commands import DECIDER
from kn_rules.facts import COORDINATOR_ACTS, meeting_change
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause, copenhagen_date
from kn_servicekit.db import Connection
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Delivery

NAME = "finance_inputs"
Scope = tuple[str, str]  # ("pool" | "roles", network)


class FinanceInputs:
    """The projection; with deciding=False a read model only (what a rebuild replays)."""

    name = NAME

    def __init__(
        self,
        topics: tuple[str, ...],
        catalog: Catalog,
        scheme: Scheme,
        topic_for: Callable[[Event], str],
        *,
        deciding: bool = True,
        today: Callable[[], dt.date],
    ) -> None:
        self.topics: tuple[str, ...] = topics
        self.derived = not deciding  # deciding, it appends finance's events: commit durably
        self._catalog = catalog
        self._scheme = scheme
        self._topic_for = topic_for
        self._deciding = deciding
        self._folds = settle.Folds()
        self._today = today

    async def create(self, conn: Connection) -> None:
        await conn.execute(tables.TABLES)

    async def resume(self, conn: Connection) -> None:
        """Starting on a schema, decide every network on the tables as they stand (see the
        module's note); a read model only, nothing."""
        if not self._deciding:
            return
        store = PostgresEventStore(conn, self._catalog, self._topic_for)
        await store.lock_for_append()
        started = str(uuid.uuid4())
        cause = Cause(DECIDER, f"{DECIDER}#start:{started}", started, self._today())
        self._folds = settle.Folds()
        try:
            await settle.settle_everything(
                store, InputsReader(conn, self._catalog), self._scheme, cause, folds=self._folds
            )
        finally:
            self._folds = settle.Folds()  # folded inside a transaction that may roll back

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        writes = Writes()
        touched = [(d, scope) for d in batch if (scope := record(writes, d.event)) is not None]
        await writes.flush(conn)
        if not self._deciding or not touched:
            return
        # one store for the whole batch's transaction: it knows every stream the batch
        # appended to, so the shared folds never cache a payout that may still roll back
        store = PostgresEventStore(conn, self._catalog, self._topic_for)
        await store.lock_for_append()  # as commands do, before anything is read
        try:
            for delivery, scope in touched:
                await self._decide(conn, store, delivery, scope)
        except BaseException:
            self._folds = settle.Folds()  # the transaction rolls back: fold again from it
            raise

    async def _decide(
        self, conn: Connection, store: PostgresEventStore, delivery: Delivery, scope: Scope
    ) -> None:
        event, envelope = delivery.event, delivery.envelope
        # "today" is the day the fact was published, so deciding it again decides the same
        cause = Cause(
            DECIDER,
            f"{envelope.source}#{envelope.id}",
            event.correlation_id,
            copenhagen_date(envelope.time),
        )
        inputs, scheme, folds = InputsReader(conn, self._catalog), self._scheme, self._folds
        kind, network = scope
        await settle.settle_pool(store, inputs, network, scheme, cause, folds)
        if kind == "roles":
            await settle.settle_fees(store, inputs, network, scheme, cause, folds=folds)


class Writes:
    """A batch's writes to finance's tables, by statement, in the order the facts came.

    A meeting's every change is one statement (insert, or change the date or the status), so
    a batch's meetings are written in one round trip and still in order; the other tables
    take inserts whose order is kept the same way."""

    def __init__(self) -> None:
        self.by_statement: dict[str, list[tuple[object, ...]]] = {}

    def add(self, statement: str, *values: object) -> None:
        self.by_statement.setdefault(statement, []).append(values)

    async def flush(self, conn: Connection) -> None:
        for statement, rows in self.by_statement.items():
            await conn.executemany(statement, rows)
        self.by_statement.clear()


def record(writes: Writes, event: Event) -> Scope | None:
    """Keep what finance needs of one fact; answer what it touches (None: nothing)."""
    if isinstance(event, mt.MeetingsEvent):
        return _meetings(writes, event)
    if isinstance(event, ms.NetworkCreated):
        writes.add(tables.UPSERT_NETWORK, event.network_id, event.name)
        return ("pool", event.network_id)
    if isinstance(event, COORDINATOR_ACTS):
        writes.add(tables.ACT, event.network_id, event.ce_type(), event.model_dump_json())
        return ("roles", event.network_id)
    return None  # every other type, including ones added after this was written


def _meetings(writes: Writes, event: mt.MeetingsEvent) -> Scope | None:
    change = meeting_change(event)
    if change is None:
        return None
    network, meeting = change.network_id, change.meeting_id
    if change.listed is not None:
        lines = json.dumps([list(line) for line in change.listed.lines])
        writes.add(tables.LISTED, network, meeting, change.listed.revision, lines)
    values = (change.date, change.status, change.new_date, change.new_status)
    writes.add(tables.MEETING, network, meeting, *values)
    return ("pool", network)
