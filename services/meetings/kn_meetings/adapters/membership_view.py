"""Meetings' own view of membership: membership's dated joins and leaves, as they arrived,
and each network's coordinator acts.

A projection run by the kit's runner; it answers "who was a member where on day D" by
the dates (domain/roster.py), so late and future effective dates need no special case,
and "who coordinated the network on day D" by kn_contracts.coordinator's one role history.
"""

from __future__ import annotations

from collections.abc import Sequence

from kn_contracts.events.membership import (
    CoordinatorEvent,
    CoordinatorSpellsRestated,
    MemberJoined,
    MemberLeft,
    NetworkCreated,
)
from kn_servicekit.db import Connection
from kn_servicekit.projection import Delivery

NAME = "membership_view"

TABLES = """
CREATE TABLE IF NOT EXISTS membership_facts (
    seq             bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('joined', 'left')),
    network_id      text NOT NULL,
    person_id       text NOT NULL,
    ydernummer      text NOT NULL,
    clinic_id       text NOT NULL,
    effective_date  date NOT NULL,
    name            text,
    clinic_name     text,
    event_id        text  -- the membership event's ce_id: a revision names it as its cause
);
ALTER TABLE membership_facts ADD COLUMN IF NOT EXISTS event_id text;
CREATE INDEX IF NOT EXISTS membership_facts_network ON membership_facts (network_id);
CREATE INDEX IF NOT EXISTS membership_facts_person ON membership_facts (person_id);
CREATE INDEX IF NOT EXISTS membership_facts_ydernummer ON membership_facts (ydernummer);
CREATE TABLE IF NOT EXISTS coordinator_acts (
    seq         bigserial PRIMARY KEY,
    network_id  text NOT NULL,
    event_type  text NOT NULL,
    payload     text NOT NULL
);
CREATE INDEX IF NOT EXISTS coordinator_acts_network ON coordinator_acts (network_id);
CREATE TABLE IF NOT EXISTS networks (
    network_id  text PRIMARY KEY,
    name        text NOT NULL,
    cluster_id  text NOT NULL
);
"""

_FACT = """
INSERT INTO membership_facts (kind, network_id, person_id, ydernummer, clinic_id,
                              effective_date, name, clinic_name, event_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
_ACT = "INSERT INTO coordinator_acts (network_id, event_type, payload) VALUES ($1, $2, $3)"
_NETWORK = """
INSERT INTO networks (network_id, name, cluster_id) VALUES ($1, $2, $3)
ON CONFLICT (network_id) DO UPDATE SET name = excluded.name, cluster_id = excluded.cluster_id
"""

FactRow = tuple[str, str, str, str, str, object, str | None, str | None, str]


class MembershipView:
    """Joins and leaves (with names), coordinator acts and network names, from
    kn.membership.events."""

    name = NAME

    def __init__(self, membership_topic: str) -> None:
        self.topics: tuple[str, ...] = (membership_topic,)

    async def create(self, conn: Connection) -> None:
        await conn.execute(TABLES)

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        facts: list[FactRow] = []
        for delivery in batch:
            e, event_id = delivery.event, delivery.envelope.id
            if isinstance(e, MemberJoined):
                facts.append(("joined", e.network_id, e.person_id, e.ydernummer, e.clinic_id,
                              e.effective_date, e.name, e.clinic_name, event_id))  # fmt: skip
            elif isinstance(e, MemberLeft):
                facts.append(("left", e.network_id, e.person_id, e.ydernummer, e.clinic_id,
                              e.effective_date, None, None, event_id))  # fmt: skip
            elif isinstance(e, CoordinatorEvent | CoordinatorSpellsRestated):
                await conn.execute(_ACT, e.network_id, e.event_name(), e.model_dump_json())
            elif isinstance(e, NetworkCreated):
                await conn.execute(_NETWORK, e.network_id, e.name, e.cluster_id)
        if facts:
            await conn.executemany(_FACT, facts)
