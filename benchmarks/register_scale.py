"""Does a membership decision cost more as the register grows? (issue: register scale)

    .venv/bin/python -m benchmarks.register_scale [--sizes 2000 10000 40000] [--repeat 200]
                                                  [--backlog 10000]

For each size, a register of that many holders (with history: every fifth holder also held
an older, closed ydernummer) is appended through the real PostgreSQL event store, then the
membership service runs in-process on real Kafka. It prints the median and p99 of one region
decision (the feed's own decide-and-append, committed), one EKM command (a move over HTTP)
and one `members?on=` GET, and the ratio of the largest size to the smallest. At the largest
size it also produces a backlog of region messages to the feed topic and prints the p99 of
EKM commands sent while the feed applies it.
Targets: each ratio <= 1.5, a decision at 40,000 <= 20 ms, p99 under the backlog <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import asyncpg

from benchmarks.common import percentile, start_infra
from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode
from kn_contracts.events import membership as ev
from kn_contracts.events import region as rg
from kn_membership import handlers
from kn_membership.domain import feed
from kn_membership.settings import MembershipSettings
from kn_servicekit.cause import Cause
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.pgstore import PostgresEventStore
from tests.membership.service import EKM, TOKENS
from tests.support.kafka import produce
from tests.support.service import running, sandbox

HOLDERS_PER_CLINIC, CLINICS_PER_NETWORK = 4, 5
OLD, NOW, DAY = dt.date(2015, 1, 1), dt.date(2020, 1, 1), dt.date(2025, 6, 1)


def _stamp(on: dt.date) -> dict[str, Any]:
    return {"effective_date": on, "actor": "bench", "causation_id": "b", "correlation_id": "b"}


def synthetic_register(holders: int) -> list[Event]:
    """Clusters, networks and `holders` members; every fifth also held a closed ydernummer."""
    networks = max(1, holders // (HOLDERS_PER_CLINIC * CLINICS_PER_NETWORK))
    events: list[Event] = [
        ev.ClusterAdded(**_stamp(OLD), cluster_id=f"c-{c}", name=f"Klynge {c}") for c in range(22)
    ]
    events += [
        ev.NetworkCreated(**_stamp(OLD), network_id=f"n-{n}", name=f"Net {n}", cluster_id="c-1")
        for n in range(networks)
    ]
    for i in range(holders):
        clinic = i // HOLDERS_PER_CLINIC
        network = f"n-{min(networks - 1, clinic // CLINICS_PER_NETWORK)}"
        person = f"p-{i}"
        if i % 5 == 0:
            old = f"{300000 + i}"
            events.append(_joined(person, old, f"k-old-{i}", network, OLD))
            events.append(
                ev.MemberLeft(**_stamp(NOW), network_id=network, person_id=person,
                              ydernummer=old, clinic_id=f"k-old-{i}", reason="ydernummer_closed")
            )  # fmt: skip
        events.append(_joined(person, f"{100000 + i}", f"k-{clinic}", network, NOW))
    return events


def _joined(person: str, ydernummer: str, clinic: str, network: str, on: dt.date) -> Event:
    return ev.MemberJoined(
        **_stamp(on), network_id=network, person_id=person, name=f"Terapeut {person}",
        ydernummer=ydernummer, clinic_id=clinic, clinic_name=f"Klinik {clinic}", role="owner",
        reason="region_feed",
    )  # fmt: skip


def renter(n: int, holders: int) -> rg.YdernummerOpened:
    """A renter starting at an existing clinic: joins the colleagues' network."""
    clinic = (n * 7919) % max(1, holders // HOLDERS_PER_CLINIC)
    return rg.YdernummerOpened(
        **{**_stamp(DAY), "actor": "region:nordjylland"}, ydernummer=f"{500000 + n}",
        person_id=f"r-{n}", name=f"Lejer {n}", clinic_id=f"k-{clinic}",
        clinic_name=f"Klinik k-{clinic}", role="renter",
    )  # fmt: skip


async def build(pool: asyncpg.Pool, holders: int, topic_for: Callable[[Event], str]) -> int:
    """Append the synthetic register through the event store; return how many events."""
    store = PostgresEventStore(pool, handlers_catalog(), topic_for)
    events, version = synthetic_register(holders), 0
    for start in range(0, len(events), 5000):
        chunk = events[start : start + 5000]
        await store.append("register", version, chunk, key=handlers.ordering_key)
        version += len(chunk)
    return len(events)


def handlers_catalog() -> Any:
    from kn_membership.entrypoints.deps import CATALOG

    return CATALOG


async def timed(times: list[float], action: Callable[[], Awaitable[Any]]) -> None:
    start = time.perf_counter()
    await action()
    times.append((time.perf_counter() - start) * 1000)


async def measure(
    kafka: KafkaAccess, url: str, holders: int, repeat: int, backlog: int
) -> dict[str, Any]:
    async with sandbox(kafka, url) as box:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        settings = box.settings(MembershipSettings, TOKENS, schema)
        admin = await asyncpg.connect(url)
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        pool = await asyncpg.create_pool(f"{url}?search_path={schema}", min_size=1, max_size=4)
        from kn_servicekit.pgstore import create_schema

        await create_schema(pool)
        built = await build(pool, holders, settings.topic_for)
        async with running(_app_keeper.create, settings) as http:
            app = _app_keeper.app
            await _relay_caught_up(pool)
            cache = app.state.registers
            start = time.perf_counter()
            await http.get("/v1/networks/n-0/members", headers=EKM, params={"on": str(DAY)})
            cold = (time.perf_counter() - start) * 1000
            networks = max(1, holders // (HOLDERS_PER_CLINIC * CLINICS_PER_NETWORK))
            decisions: list[float] = []
            commands: list[float] = []
            gets: list[float] = []
            for n in range(repeat):
                await timed(decisions, partial(_region_decision, pool, settings, cache, n, holders))
                await timed(commands, partial(_move, http, n, networks))
                await timed(gets, partial(_members, http, n % networks))
            figures = {"holders": holders, "events": built, "cold_load_ms": cold,
                       "decision": decisions, "command": commands, "get": gets}  # fmt: skip
            if backlog:
                figures["backlog"] = await _under_backlog(
                    box, http, pool, holders, backlog, networks, repeat
                )
        await pool.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
        return figures


class _AppKeeper:
    """Keeps the app the sandbox created, to reach its cache."""

    app: Any = None

    def create(self, settings: MembershipSettings) -> Any:
        from kn_membership.bootstrap import create_app

        self.app = create_app(settings)
        return self.app


_app_keeper = _AppKeeper()


async def _relay_caught_up(pool: asyncpg.Pool) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        last = await pool.fetchval("SELECT max(position) FROM kn_events")
        done = await pool.fetchval("SELECT max(position) FROM kn_relay_progress")
        if done is not None and done >= last:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("the relay did not catch up")


async def _region_decision(
    pool: asyncpg.Pool, settings: Any, cache: Any, n: int, holders: int
) -> None:
    change = renter(n, holders)
    key = f"/region/bench#{uuid.uuid4()}"
    cause = Cause(change.actor, key, key, DAY)
    async with pool.acquire() as conn, conn.transaction():
        store = PostgresEventStore(conn, handlers_catalog(), settings.topic_for)
        events = await handlers.handle(store, feed.decision(change, cause, key), key, cache)
    assert [type(e).__name__ for e in events] == ["MemberJoined"], events


async def _move(http: Any, n: int, networks: int) -> None:
    person = n * 5 + 1  # never one of the holders with history, never moved twice
    home = min(networks - 1, person // HOLDERS_PER_CLINIC // CLINICS_PER_NETWORK)
    answer = await http.post(
        f"/v1/members/p-{person}/move",
        headers=EKM,
        json={
            "ydernummer": f"{100000 + person}",
            "to_network_id": f"n-{(home + 1) % networks}",
            "effective_date": "2025-07-01",
            "reason": "benchmark",
        },
    )
    assert answer.status_code == 201, answer.text


async def _members(http: Any, network: int) -> None:
    answer = await http.get(
        f"/v1/networks/n-{network}/members", headers=EKM, params={"on": str(DAY)}
    )
    assert answer.status_code == 200, answer.text


async def _under_backlog(
    box: Any, http: Any, pool: asyncpg.Pool, holders: int, count: int, networks: int, first: int
) -> dict[str, Any]:
    """Produce `count` region messages at once; send EKM commands while the feed applies them."""
    applied = "SELECT count(*) FROM kn_events WHERE payload LIKE '%/region/nordjylland#%'"
    messages = []
    for n in range(100_000, 100_000 + count):
        change = renter(n, holders)
        envelope = Envelope(str(uuid.uuid4()), "/region/nordjylland", change.ce_type(),
                            dt.datetime.now(dt.UTC), subject=change.ydernummer)  # fmt: skip
        headers, value = encode(change, envelope)
        messages.append((change.ydernummer.encode(), headers, value))
    await produce(box.kafka, box.topic("kn.region.ydernummer"), messages)
    start = time.perf_counter()
    latencies: list[float] = []
    n = first  # movers after the measured ones: nobody is moved twice
    while True:
        if await pool.fetchval(applied) >= count:
            break
        await timed(latencies, partial(_move, http, n, networks))
        n += 1
        await asyncio.sleep(0.05)
    took = time.perf_counter() - start
    return {"messages": count, "seconds": took, "per_second": count / took, "command": latencies}


def show(name: str, values: list[float]) -> str:
    return f"{name} p50 {percentile(values, 50):6.2f} ms  p99 {percentile(values, 99):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 40000])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--backlog", type=int, default=10000)
    args = parser.parse_args()
    kafka, url = start_infra()
    results = []
    for size in args.sizes:
        backlog = args.backlog if size == max(args.sizes) else 0
        figures = asyncio.run(measure(kafka, url, size, args.repeat, backlog))
        results.append(figures)
        cold = figures["cold_load_ms"]
        print(f"{size:>6} holders ({figures['events']} events; first load {cold:.0f} ms)")
        for what in ("decision", "command", "get"):
            print(f"        {show(what, figures[what])}")
    small, large = results[0], results[-1]
    print(f"ratio {large['holders']}/{small['holders']} (median, p99):")
    for what in ("decision", "command", "get"):
        medians = percentile(large[what], 50) / percentile(small[what], 50)
        p99s = percentile(large[what], 99) / percentile(small[what], 99)
        print(f"        {what:<9} {medians:4.2f} x  {p99s:4.2f} x   (target <= 1.5)")
    if "backlog" in large:
        b = large["backlog"]
        print(f"backlog of {b['messages']} region messages applied in {b['seconds']:.1f} s "
              f"({b['per_second']:.0f}/s); EKM commands meanwhile: {show('', b['command'])} "
              f"over {len(b['command'])} commands (target p99 <= 200 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
