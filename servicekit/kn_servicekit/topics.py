"""Create the registry's topics (and their dead-letter topics) idempotently."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from kn_contracts.topics import DLQ_SUFFIX, Topic


async def ensure_topics(bootstrap: str, topics: Iterable[Topic], prefix: str = "") -> list[str]:
    """Create each topic and its `.dlq` if missing; return the names created."""
    wanted: list[NewTopic] = []
    for topic in topics:
        name = prefix + topic.name
        wanted.append(NewTopic(name, topic.partitions, 1, topic_configs=topic.config))
        wanted.append(NewTopic(name + DLQ_SUFFIX, 1, 1, topic_configs=topic.config))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            # another process may create them between our look and our create
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        await admin.close()
