"""Create the registry's topics (and their dead-letter topics) idempotently.

Topics whose bytes we cannot rewrite — inbound (the region's, names in clear) and every
dead-letter topic (a letter keeps the bytes as they came) — keep them a bounded time,
`KN_BOUNDED_RETENTION_DAYS` (default 400, issue 15): set when they are made, and set again
on those that already exist, so a changed setting reaches them too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from kn_contracts.topics import DAY_MS, DLQ_SUFFIX, Topic
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

RETENTION_SETTING = "KN_BOUNDED_RETENTION_DAYS"


def bounded_retention_ms() -> int:
    """How long inbound and dead-letter topics keep bytes, from the setting (400 days)."""
    raw = os.environ.get(RETENTION_SETTING, "400")
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"{RETENTION_SETTING}={raw!r}: give a whole number of days") from None
    if days < 1:
        raise ValueError(f"{RETENTION_SETTING}={days}: give at least 1 day")
    return days * DAY_MS


async def ensure_topics(
    kafka: KafkaAccess, topics: Iterable[Topic], prefix: str = "", retention_ms: int | None = None
) -> list[str]:
    """Create each topic and its `.dlq` if missing; return the names created. Bounded
    topics that exist get their retention set again."""
    bounded = bounded_retention_ms() if retention_ms is None else retention_ms
    wanted: list[NewTopic] = []
    for topic in topics:
        name = prefix + topic.name
        wanted.append(NewTopic(name, topic.partitions, 1, topic_configs=topic.config_with(bounded)))
        wanted.append(NewTopic(name + DLQ_SUFFIX, 1, 1, topic_configs=Topic.dlq_config(bounded)))
    admin = AIOKafkaAdminClient(**kafka_options(kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            # another process may create them between our look and our create
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
        again = [
            ConfigResource(ConfigResourceType.TOPIC, t.name, t.topic_configs)
            for t in wanted
            if t.name in existing and t.topic_configs.get("retention.ms") == str(bounded)
        ]
        if again:
            await admin.alter_configs(again)
        return [t.name for t in missing]
    finally:
        await admin.close()
