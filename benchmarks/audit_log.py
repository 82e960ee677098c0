"""The audit benchmark's synthetic national log (audit_replay.py), published on Kafka as
the relays publish it: each service's own event log and positions (ce_knlog, ce_sequence),
keyed by network, a year at a time in ce_time order; every personal field sealed under its
subject's key as the services' event stores write it (a sealed 16-line list is 2-3 times
the bytes of a clear one, and its key ids' hex digits make the CPR look work harder)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
import uuid
from collections.abc import Iterator

from aiokafka import AIOKafkaProducer

from benchmarks.audit_rates import Message, RateTimeline, at
from benchmarks.audit_story import NetworkStory
from kn_contracts.envelope import Envelope, source_of
from kn_contracts.events.finance import CoordinatorFeeYearClosed
from kn_contracts.sealed import SEAL
from kn_contracts.topics import FINANCE_EVENTS, FINANCE_PAYOUTS, MEETINGS_EVENTS, MEMBERSHIP_EVENTS
from kn_rules.scheme_files import load_scheme
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.sealing import SubjectSealer, new_key, new_key_id

FIRST_YEAR = 2016
NETWORKS = 4_000  # at --scale 1: 40,000 holders
TOPIC = {"membership": MEMBERSHIP_EVENTS, "meetings": MEETINGS_EVENTS,
         "finance": FINANCE_EVENTS, "payouts": FINANCE_PAYOUTS}  # fmt: skip
SCHEME = load_scheme("fysioterapi")


def national_log(scale: float, years: int) -> Iterator[list[Message]]:
    """The log a year at a time, each year's messages in ce_time order."""
    stories = [
        NetworkStory(n, SCHEME, random.Random(n)) for n in range(max(1, round(NETWORKS * scale)))
    ]
    rates = RateTimeline.of(FIRST_YEAR, years)
    for year in range(FIRST_YEAR, FIRST_YEAR + years + 1):
        batch = [m for m in rates.messages() if m[0].year == year]
        if year > FIRST_YEAR:  # EKM closes last year in January (Pool payouts 9)
            day = dt.date(year, 1, 15)
            closed = CoordinatorFeeYearClosed(effective_date=day, actor="ekm",
                causation_id=f"close-{year - 1}", correlation_id=f"close-{year - 1}",
                year=year - 1)  # fmt: skip
            batch.append((at(day, 10), "finance", "fee-years", "fee-years", closed))
            batch += [m for story in stories for m in story.close(year - 1, rates, day)]
        if year == FIRST_YEAR + years:
            yield sorted(batch, key=lambda m: m[0])
            return
        for story in stories:
            if year == FIRST_YEAR:
                batch += story.start(year)
            batch += story.membership_year(year)
            batch += story.meeting_year(year, rates)
        yield sorted(batch, key=lambda m: m[0])


async def build(kafka: KafkaAccess, prefix: str, scale: float, years: int) -> int:
    """Publish the log as the relays would: each service's own event log and positions."""
    rng = random.Random(20)
    logs = {owner: str(uuid.UUID(int=rng.getrandbits(128))) for owner in TOPIC}
    logs["payouts"] = logs["finance"]  # one event store, two topics
    positions = dict.fromkeys(TOPIC, 0)
    producer = AIOKafkaProducer(
        **kafka_options(kafka), acks="all", linger_ms=20, max_batch_size=512 * 1024
    )
    await producer.start()
    count = 0
    sealed = {SEAL: SubjectSealer(_KeyPerSubject())}  # as an event store serializes
    try:
        for batch in national_log(scale, years):
            pending = []
            for when, service, key, subject, event in batch:
                owner = "finance" if service == "payouts" else service
                positions[owner] += 1
                envelope = Envelope(
                    id=str(uuid.UUID(int=rng.getrandbits(128))), source=source_of(owner),
                    type=event.ce_type(), time=when, subject=subject,
                    sequence=positions[owner], log=logs[owner],
                )  # fmt: skip
                headers = envelope.headers()
                value = event.model_dump_json(context=sealed).encode()
                topic = prefix + TOPIC[service].name
                pending.append(await producer.send(topic, value, key=key.encode(),
                                                   headers=headers))  # fmt: skip
                if len(pending) >= 20_000:
                    await asyncio.gather(*pending)
                    pending.clear()
            await asyncio.gather(*pending)
            count += len(batch)
            print(f"  {count:,} events so far", file=sys.stderr)
    finally:
        await producer.stop()
    return count


class _KeyPerSubject(dict[str, tuple[str, bytes]]):
    """Each data subject's (key id, key), made when first sealed under, as an owner's
    subject keys are."""

    def __missing__(self, subject: str) -> tuple[str, bytes]:
        made = self[subject] = (new_key_id(), new_key())
        return made
