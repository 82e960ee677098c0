"""Seed the health clusters once, when the register has none (DOMAIN Membership 5)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources as package_files

from kn_contracts.base import Event
from kn_contracts.events.membership import ClusterAdded
from kn_membership import handlers
from kn_membership.domain.register import Register
from kn_servicekit.eventstore import EventStore

SEED_KEY = "seed:clusters:v1"


def seed_clusters() -> list[tuple[str, str]]:
    """(cluster_id, name) of the shipped starting list."""
    text = package_files.files("kn_membership").joinpath("clusters.json").read_text("utf-8")
    return [(c["cluster_id"], c["name"]) for c in json.loads(text)["clusters"]]


async def seed(store: EventStore, on: dt.date) -> list[Event]:
    """Add the starting clusters if there are none; every replica may try, one succeeds."""

    def decide(register: Register) -> list[Event]:
        if register.clusters:
            return []
        return [
            ClusterAdded(
                effective_date=on,
                actor="system:seed",
                causation_id=SEED_KEY,
                correlation_id=SEED_KEY,
                cluster_id=cluster_id,
                name=name,
            )
            for cluster_id, name in seed_clusters()
        ]

    return await handlers.handle(store, decide, SEED_KEY)
