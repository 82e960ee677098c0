"""What the demo's scenarios share: calls to the services' HTTP APIs with a fixed
Idempotency-Key, waiting for an eventual result with a deadline, and region messages on
the ydernummer feed with a fixed ce_id (so a rerun answers the same and records nothing)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaProducer

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode
from kn_contracts.topics import REGION_YDERNUMMER
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

T = TypeVar("T")


def get_json(client: httpx.Client, path: str, headers: dict[str, str]) -> Any:
    """GET a service's JSON answer; a 4xx or 5xx says which call and what it answered."""
    answer = client.get(path, headers=headers)
    if answer.status_code >= 400:
        raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text}")
    return answer.json()


def get_or_none(client: httpx.Client, path: str, headers: dict[str, str]) -> Any:
    """GET a JSON answer, or None while the service answers 4xx (it does not know it yet)."""
    answer = client.get(path, headers=headers)
    if 400 <= answer.status_code < 500:
        return None
    if answer.status_code >= 500:
        raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text}")
    return answer.json()


def fetch(client: httpx.Client, path: str, headers: dict[str, str]) -> bytes:
    """GET a file (a PDF, CSV or XLSX); a 4xx or 5xx says which call and what it answered."""
    answer = client.get(path, headers=headers)
    if answer.status_code >= 400:
        raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text}")
    return answer.content


def send(client: httpx.Client, path: str, headers: dict[str, str], key: str, body: Any) -> Any:
    """POST a command with the Idempotency-Key `demo-<key>`: a repeat gets the first answer."""
    answer = client.post(path, json=body, headers={**headers, "Idempotency-Key": f"demo-{key}"})
    if answer.status_code >= 400:
        raise RuntimeError(f"POST {path} answered {answer.status_code}: {answer.text}")
    return answer.json()


def until(probe: Callable[[], T], done: Callable[[T], bool], within: float = 30) -> T:
    """Poll `probe` until `done` holds, for at most `within` seconds (the services are
    eventually consistent: a command's effect reaches another service through Kafka)."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"the services did not get there within {within}s: {value!r}")
        time.sleep(0.2)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class RegionMessage:
    """One change on the region's ydernummer feed: its fixed ce_id, the region system that
    reports it, and when (a late report carries a time after its effective date)."""

    change: Event
    ce_id: str
    reported: dt.datetime
    region: str = "nordjylland"


def region_stamp(effective: dt.date, region: str = "nordjylland") -> dict[str, Any]:
    """The event fields of a region's change taking effect on `effective`."""
    actor = f"region:{region}"
    return {
        "effective_date": effective,
        "actor": actor,
        "causation_id": "demo",
        "correlation_id": "demo",
    }


def publish_region(kafka: KafkaAccess, messages: Sequence[RegionMessage]) -> None:
    """Publish the changes on the feed, as a region system does (binary-mode CloudEvents)."""
    asyncio.run(_publish(kafka, messages))


async def _publish(kafka: KafkaAccess, messages: Sequence[RegionMessage]) -> None:
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all", enable_idempotence=True)
    # the services' KN_TOPIC_PREFIX, if the operator set one
    topic = os.environ.get("KN_TOPIC_PREFIX", "") + REGION_YDERNUMMER.name
    await producer.start()
    try:
        for message in messages:
            change = message.change
            key = str(getattr(change, "ydernummer", "") or getattr(change, "seller_ydernummer", ""))
            envelope = Envelope(
                message.ce_id,
                f"/region/{message.region}",  # its actor is region:<region>
                change.ce_type(),
                message.reported,
                subject=key,
            )
            headers, value = encode(change, envelope)
            await producer.send_and_wait(topic, value, key=key.encode(), headers=headers)
    finally:
        await producer.stop()
