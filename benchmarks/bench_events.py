"""The two event sizes of the read benchmarks (rebuild_vs_raw.py, wire_format.py), published
as a relay publishes them (kn_contracts.envelope.encode, ce_knlog and ce_sequence set), and
a tally projection over each.

- `tick`: today's Tick of the kit's tests (tests/support/ticks.py), about 150 bytes of JSON;
- `attendance`: meetings' AttendanceRecorded with 16 lines, the names and clinics sealed as
  meetings' event store writes them (AES-256-GCM by the kit's `sealing`), about 5 KB; on a
  topic named `<prefix>.kn.meetings.events`, so the owner rules (provenance) apply to it as
  they do in the services.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.envelope import Envelope, encode, source_of
from kn_contracts.events import meetings as mt
from kn_contracts.topics import MEETINGS_EVENTS
from kn_servicekit.db import Connection
from kn_servicekit.projection import Delivery
from kn_servicekit.sealing import new_key, new_key_id, seal
from tests.support.ticks import CATALOG as TICKS
from tests.support.ticks import Tick, tick

LINES = 16
DISTINCT = 512  # distinct bodies per kind; every message has its own id and position
NETWORKS = 97
Message = tuple[bytes, list[tuple[str, bytes]], bytes]  # key, headers, value


@dataclass(frozen=True)
class Kind:
    """One event size: its catalog, topic name, bodies and the projection tallying it."""

    name: str
    catalog: Catalog
    source: str
    topic_suffix: str  # "" or the registered topic a prefix goes in front of
    events: Callable[[random.Random], Iterator[tuple[str, Event]]]  # (network, event)

    def topic(self, prefix: str) -> str:
        return f"{prefix}.{self.topic_suffix}" if self.topic_suffix else prefix


def _ticks(rng: random.Random) -> Iterator[tuple[str, Event]]:
    n = 0
    while True:
        network = f"network-{n % NETWORKS}"
        yield network, tick(network, n % 13)
        n += 1


def _lists(rng: random.Random) -> Iterator[tuple[str, Event]]:
    key_id, key = new_key_id(), new_key()

    def sealed(field: str, text: str) -> str:
        return seal(key_id, key, field, text).token()  # as meetings' store writes it

    n = 0
    while True:
        network = f"network-{n % NETWORKS}"
        day = dt.date(2025, 1 + n % 12, 1 + n % 28)
        lines = tuple(
            mt.Attendee(
                line=line,
                person_id=str(uuid.UUID(int=rng.getrandbits(128))),
                name=sealed("name", f"Fysioterapeut Nummer {rng.randrange(10_000)}"),
                clinic=sealed("clinic", f"Klinik {rng.randrange(100_000, 999_999)}"),
                ydernummer=f"{rng.randrange(1_000_000):06d}",
                category="member_owner" if line <= 12 else "employee",
            )
            for line in range(1, LINES + 1)
        )
        yield network, mt.AttendanceRecorded(
            effective_date=day, actor=f"coordinator:{network}",
            causation_id=str(uuid.UUID(int=rng.getrandbits(128))),
            correlation_id=str(uuid.UUID(int=rng.getrandbits(128))),
            meeting_id=f"{day.isoformat()}-{n}", network_id=network, meeting_date=day,
            attendees=lines,
        )  # fmt: skip
        n += 1


KINDS = {
    "tick": Kind("tick", TICKS, "/kvalitetsnet/test", "", _ticks),
    "attendance": Kind(
        "attendance",
        Catalog([mt.AttendanceRecorded]),
        source_of("meetings"),
        MEETINGS_EVENTS.name,
        _lists,
    ),
}


def messages(kind: Kind, count: int, log: str) -> Iterator[tuple[bytes, Envelope, Event]]:
    """`count` events as a relay would publish them from one event log: positions 1..count,
    keyed by network; DISTINCT bodies repeat, ids and positions never do."""
    rng = random.Random(17)
    made = kind.events(rng)
    bodies = [next(made) for _ in range(DISTINCT)]
    when = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    for n in range(count):
        network, event = bodies[n % DISTINCT]
        envelope = Envelope(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), source=kind.source,
            type=event.ce_type(), time=when, subject=network, sequence=n + 1, log=log,
        )  # fmt: skip
        yield network.encode(), envelope, event


def binary(kind: Kind, count: int, log: str) -> Iterator[Message]:
    """Binary mode, exactly as the relays publish: kn_contracts.envelope.encode (a body's
    JSON made once, as the relay sends the payload its store holds)."""
    values: dict[int, bytes] = {}
    for key, envelope, event in messages(kind, count, log):
        body = id(event)
        if body in values:
            yield key, envelope.headers(), values[body]
        else:
            headers, values[body] = encode(event, envelope)
            yield key, headers, values[body]


class Tally:
    """Events and lines per network: one upsert per batch, as a real read model would."""

    derived = True
    topics: tuple[str, ...]

    def __init__(self, topic: str) -> None:
        self.name = "bench_tally"
        self.topics = (topic,)

    async def create(self, conn: Connection) -> None:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS bench_tally (
                   network text PRIMARY KEY, events bigint NOT NULL, lines bigint NOT NULL)"""
        )

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        change: dict[str, list[int]] = {}
        for delivery in batch:
            event = delivery.event
            if isinstance(event, Tick):
                network, lines = event.counter, 1
            elif isinstance(event, mt.AttendanceRecorded):
                network, lines = event.network_id, len(event.attendees)
            else:
                continue
            sums = change.setdefault(network, [0, 0])
            sums[0] += 1
            sums[1] += lines
        await conn.execute(
            """INSERT INTO bench_tally (network, events, lines)
               SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
               ON CONFLICT (network) DO UPDATE SET events = bench_tally.events
                   + excluded.events, lines = bench_tally.lines + excluded.lines""",
            list(change),
            [events for events, _ in change.values()],
            [lines for _, lines in change.values()],
        )
