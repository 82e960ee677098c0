"""What a composition root plugs in for personal data: key tables, the ring, key loops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from kn_servicekit import keys_topic, subject_keys
from kn_servicekit.http import Loop, Resources
from kn_servicekit.sealing import KeyRing


def tables(ring: KeyRing) -> Callable[[Resources], Awaitable[None]]:
    """A start hook: the key tables, and the ring loaded with our keys and copies."""

    async def start(resources: Resources) -> None:
        await subject_keys.create_tables(resources.pool)
        await subject_keys.load(resources.pool, ring)

    return start


def publisher(owner: str, topic: str) -> Loop:
    """Publish the owner's keys and tombstones to its compacted keys topic."""

    async def run(resources: Resources, ready: asyncio.Event) -> None:
        await resources.kafka_up.wait()
        await keys_topic.publish_keys(resources.pool, resources.producer, topic, owner, ready)

    return run


def follower(owner: str, topic: str, ring: KeyRing) -> Loop:
    """Keep copies of another owner's keys from its keys topic (deleted on tombstones)."""

    async def run(resources: Resources, ready: asyncio.Event) -> None:
        await resources.kafka_up.wait()
        kafka = resources.settings.kafka
        await keys_topic.follow_keys(resources.pool, kafka, topic, owner, ring, ready)

    return run
