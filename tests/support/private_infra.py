"""A Kafka broker and a PostgreSQL cluster of one test's own, to stop and start at will.

The outage tests stop their servers under traffic; the suite's shared ones stay up for
every other test. Both are started by kn_deploy's own functions (`kn infra`'s), on free
ports and in folders of their own, and are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from kn_contracts.topics import TOPICS
from kn_deploy import broker_setup, kafka, postgres
from kn_deploy.provision import provision
from kn_deploy.services import PortHeld
from kn_servicekit.settings import LocalDatabase
from kn_servicekit.topics import ensure_topics


def free_port() -> int:
    """A TCP port nothing listens on now, outside the kernel's ephemeral range."""
    return free_ports(1)


def free_ports(count: int) -> int:
    """The first of `count` consecutive TCP ports nothing listens on now (for a system of
    processes started on consecutive ports). They are drawn below the kernel's ephemeral
    range: a port in it can be taken, between this check and a server's bind, by any
    process's outgoing connection (a Kafka or PostgreSQL client of another test), which
    once failed a service's start with "address already in use"."""
    chance = random.Random()
    lowest, below = 10_000, ephemeral_start()
    while True:
        first = chance.randrange(lowest, below - count)
        try:
            with contextlib.ExitStack() as held:
                for port in range(first, first + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


STARTS = 3  # a system whose ports another took in the meantime starts again on others

T = TypeVar("T")


def on_free_ports(count: int, start: Callable[[int], T]) -> T:
    """`start(first)` on `count` free consecutive ports, drawn again (up to STARTS times)
    when another process binds one of them between the draw and the start (PortHeld)."""
    for attempt in range(1, STARTS + 1):
        try:
            return start(free_ports(count))
        except PortHeld:
            if attempt == STARTS:
                raise
    raise AssertionError("unreachable")


def ephemeral_start() -> int:
    """The first port of the kernel's ephemeral range (Linux's default when unreadable)."""
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        return max(int(text.split()[0]), 12_000)
    except (OSError, ValueError, IndexError):
        return 32_768


@contextmanager
def private_kafka(folder: Path) -> Iterator[kafka.KafkaLocal]:
    """A single-node KRaft broker in `folder` with the registry's topics; the jars are the
    shared broker's (.cache/kafka), linked, not fetched again."""
    shared = kafka.KafkaLocal.default()
    kafka.ensure_jars(shared)
    port = free_port()
    broker = kafka.KafkaLocal(
        root=folder, port=port, controller_port=free_port(), jvm=kafka.SHORT_LIVED_JVM
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / shared.libs.name).symlink_to(shared.libs, target_is_directory=True)
    try:
        kafka.start(broker)
        asyncio.run(broker_setup.secure(broker))
        asyncio.run(ensure_topics(broker.access(), TOPICS))
        yield broker
    finally:
        kafka.stop(broker, timeout=10.0)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def private_postgres(folder: Path, services: tuple[str, ...]) -> Iterator[postgres.PostgresLocal]:
    """A cluster of its own with each service's database and roles, as `kn infra` makes them.
    As root the server runs as `postgres`, which cannot enter pytest's folders: the cluster
    then lives under that user's home, as the local runtime's does."""
    root = folder / "postgres"
    if os.geteuid() == 0:
        root = postgres.cluster_home(folder / f"outage-{uuid.uuid4().hex[:8]}" / ".cache")
    pg = postgres.PostgresLocal(root=root, port=free_port())
    try:
        postgres.start(pg)
        databases = [LocalDatabase(service, port=pg.port) for service in services]
        asyncio.run(provision(pg, databases, owner_roles=True))
        yield pg
    finally:
        postgres.stop(pg)
        shutil.rmtree(pg.root, ignore_errors=True)
        shutil.rmtree(pg.socket_dir, ignore_errors=True)
