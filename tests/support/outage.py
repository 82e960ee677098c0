"""Steady command traffic to a service process, and a count of what reached Kafka.

The outage tests and `benchmarks/outage.py` send EKM's cluster renames to membership at a
steady rate, one at a time, each under its own Idempotency-Key (the causation id of the
event it records); a failed request is sent again with the same key, as a client would.
Afterwards every record on the topic is read back and counted against what was accepted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kn_contracts.envelope import Envelope, encode
from kn_deploy.infra import kafka_env
from kn_deploy.services import ServiceProcess, start_service
from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import opened
from tests.support.kafka import produce, read_all
from tests.support.private_infra import free_port

CLUSTERS = ("aalborg", "hjoerring", "thisted", "randers")  # seeded; one Kafka key each
EKM_TOKEN = "t-ekm"


@dataclass
class Traffic:
    """Sends renames at `rate` per second until stopped; remembers what was accepted."""

    url: str
    tag: str
    rate: float = 10.0
    accepted: list[str] = field(default_factory=list)  # Idempotency-Keys, in answer order
    answers: Counter[str] = field(default_factory=Counter)  # status (or error) -> count
    accepted_at: dict[str, float] = field(default_factory=dict)

    def key(self, n: int) -> str:
        return f"{self.tag}-{n:05d}"

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: send the next command, pace, repeat."""
        headers = {"Authorization": f"Bearer {EKM_TOKEN}"}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=10.0) as http:
            started, n = time.monotonic(), 0
            while not stop.is_set():
                await self._until_accepted(http, n)
                n += 1
                pause = started + n / self.rate - time.monotonic()
                if pause > 0:
                    await asyncio.sleep(pause)

    async def _until_accepted(self, http: httpx.AsyncClient, n: int) -> None:
        key = self.key(n)
        body = {"name": f"{self.tag} {n:05d}"}
        while True:
            try:
                answer = await http.patch(
                    f"/v1/clusters/{CLUSTERS[n % len(CLUSTERS)]}",
                    json=body,
                    headers={"Idempotency-Key": key},
                )
            except httpx.TransportError as exc:
                self.answers[type(exc).__name__] += 1
            else:
                self.answers[str(answer.status_code)] += 1
                if answer.status_code in (200, 201):
                    self.accepted.append(key)
                    self.accepted_at[key] = time.monotonic()
                    return
                if answer.status_code < 500:
                    raise AssertionError(f"{key} refused: {answer.status_code} {answer.text}")
            await asyncio.sleep(0.2)  # then the same key again


@dataclass(frozen=True)
class Published:
    """What one topic holds of a traffic's commands."""

    records: int  # of the traffic's commands, repeats included
    ids: int  # distinct ce_id among them
    duplicates: int  # records beyond the first of each ce_id
    out_of_order: int  # records whose ce_sequence is not above the previous in its partition
    misordered_keys: int  # Kafka keys whose renames are not in the order they were accepted
    lost: list[str]  # accepted keys with no record
    unasked: list[str]  # records of keys never accepted (a double answer would show here)

    @property
    def exactly_once_in_order(self) -> bool:
        return (
            not (self.duplicates or self.out_of_order or self.misordered_keys or self.lost)
            and not self.unasked
        )


async def published(kafka: KafkaAccess, topic: str, traffic: Traffic) -> Published:
    """Read the whole topic and count the traffic's records against what was accepted."""
    records = await read_all(kafka, topic)
    ids: Counter[bytes] = Counter()
    found: set[str] = set()
    out_of_order = 0
    last_sequence: dict[int, int] = {}
    by_key: dict[bytes, list[str]] = {}
    mine = 0
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        headers = dict(record.headers)
        sequence = int(headers["ce_sequence"])
        if sequence <= last_sequence.get(record.partition, 0):
            out_of_order += 1
        last_sequence[record.partition] = sequence
        cause = json.loads(record.value)["causation_id"]
        if not cause.startswith(f"{traffic.tag}-"):
            continue  # the seeded clusters
        mine += 1
        ids[headers["ce_id"]] += 1
        found.add(cause)
        by_key.setdefault(record.key, []).append(cause)
    order = {key: index for index, key in enumerate(traffic.accepted)}
    misordered = sum(
        1 for causes in by_key.values() if [order.get(c, -1) for c in causes] != sorted(
            order.get(c, -1) for c in causes
        )
    )  # fmt: skip
    return Published(
        records=mine,
        ids=len(ids),
        duplicates=sum(count - 1 for count in ids.values()),
        out_of_order=out_of_order,
        misordered_keys=misordered,
        lost=sorted(set(traffic.accepted) - found),
        unasked=sorted(found - set(traffic.accepted)),
    )


async def ready_status(
    url: str, http: httpx.AsyncClient | None = None
) -> tuple[int, dict[str, object]]:
    """/ready's status and body (0 and the error when the process does not answer); with
    `http`, asked with that client (a poll makes none of its own: one costs 50 ms of CPU)."""
    if http is None:
        async with httpx.AsyncClient(timeout=5.0) as own:
            return await ready_status(url, own)
    try:
        answer = await http.get(f"{url}/ready")
    except httpx.TransportError as exc:
        return 0, {"error": repr(exc)}
    body: dict[str, object] = answer.json()
    return answer.status_code, body


async def region_opens(kafka: KafkaAccess, topic: str, ydernummer: str) -> None:
    """The region reports a new clinic's owner (membership's feed puts them on the list)."""
    change = opened(ydernummer, f"p-{ydernummer}", "Ruth Holm", "klinik-ny", dt.date(2025, 1, 1))
    envelope = Envelope(
        str(uuid.uuid4()), "/region/nordjylland", change.ce_type(), dt.datetime.now(dt.UTC)
    )
    headers, value = encode(change, envelope)
    await produce(kafka, topic, [(ydernummer.encode(), headers, value)])


def membership_process(kafka: KafkaAccess, logs: Path, **env: str) -> ServiceProcess:
    """A membership process reaching Kafka as `kafka` (membership's principal) with an EKM
    token (and `env`), on a free port."""
    return start_service(
        "membership",
        {
            **kafka_env(kafka),
            "KN_TOPIC_PREFIX": "",
            "KN_MEMBERSHIP_API_TOKENS": json.dumps({EKM_TOKEN: "ekm"}),
            **env,
        },
        logs,
        port=free_port(),
    )
