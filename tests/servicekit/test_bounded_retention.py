"""Topics whose bytes we cannot rewrite keep them a bounded time (issue 15), on real Kafka."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from kn_contracts.topics import DAY_MS, MEETINGS_EVENTS, MEMBERSHIP_KEYS, REGION_YDERNUMMER
from kn_deploy.pytest_plugin import unique
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.topics import bounded_retention_ms, ensure_topics
from tests.support.kafka import drop_topics
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
TOPICS = (REGION_YDERNUMMER, MEETINGS_EVENTS, MEMBERSHIP_KEYS)


async def configs(kafka: KafkaAccess, name: str) -> dict[str, str]:
    """The topic's configuration, once the broker describes it (a new topic takes a moment)."""

    async def described() -> dict[str, str]:
        admin = AIOKafkaAdminClient(**kafka_options(kafka))
        await admin.start()
        try:
            resource = ConfigResource(ConfigResourceType.TOPIC, name)
            [response] = await admin.describe_configs([resource])
        finally:
            await admin.close()
        entries: list[Any] = response.resources[0][4]
        return {entry[0]: entry[1] for entry in entries}

    return await eventually(described, lambda found: "retention.ms" in found, what=name)


async def test_inbound_and_dead_letter_topics_are_made_and_kept_with_a_bounded_retention(
    kafka_admin: KafkaAccess,
) -> None:
    prefix = unique("retention") + "."
    try:
        await ensure_topics(kafka_admin, TOPICS, prefix=prefix)
        region, events = prefix + REGION_YDERNUMMER.name, prefix + MEETINGS_EVENTS.name
        days_400 = str(400 * DAY_MS)
        assert (await configs(kafka_admin, region))["retention.ms"] == days_400
        assert (await configs(kafka_admin, events + ".dlq"))["retention.ms"] == days_400
        assert (await configs(kafka_admin, events))["retention.ms"] == "-1"  # the log
        keys = await configs(kafka_admin, prefix + MEMBERSHIP_KEYS.name)
        assert keys["cleanup.policy"] == "compact"

        # a shorter setting reaches the topics that exist already
        await ensure_topics(kafka_admin, TOPICS, prefix=prefix, retention_ms=30 * DAY_MS)

        days_30 = str(30 * DAY_MS)
        for name in (region, events + ".dlq"):
            await eventually(lambda n=name: configs(kafka_admin, n),  # type: ignore[misc]
                             lambda found: found["retention.ms"] == days_30, what=name)  # fmt: skip
    finally:
        await drop_topics(kafka_admin, prefix)


def test_the_retention_setting_says_what_to_give(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KN_BOUNDED_RETENTION_DAYS", "a year")
    with pytest.raises(ValueError, match="give a whole number of days"):
        bounded_retention_ms()
    monkeypatch.setenv("KN_BOUNDED_RETENTION_DAYS", "0")
    with pytest.raises(ValueError, match="give at least 1 day"):
        bounded_retention_ms()
    monkeypatch.setenv("KN_BOUNDED_RETENTION_DAYS", "90")
    assert bounded_retention_ms() == 90 * DAY_MS
