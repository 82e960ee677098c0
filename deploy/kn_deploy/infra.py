"""The local runtime as a whole: which parts run here, and starting/stopping them."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kn_contracts.topics import TOPICS
from kn_deploy import broker_setup, kafka, postgres
from kn_deploy.layout import cache_dir, demo_dir
from kn_deploy.packages import install_missing
from kn_deploy.principals import ADMIN
from kn_deploy.provision import provision
from kn_deploy.services import stop_recorded
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import LocalDatabase
from kn_servicekit.topics import ensure_topics

SERVICES = ("membership", "meetings", "finance", "reporting")


@dataclass(frozen=True)
class Endpoints:
    """Where the services find Kafka and their databases, and which of them run here."""

    kafka_bootstrap: str
    kafka_local: bool
    databases: dict[str, str]
    local_databases: tuple[str, ...]

    def kafka(self, user: str = ADMIN) -> KafkaAccess:
        """How `user` reaches Kafka: on the local broker with its generated password; on an
        external one as KN_KAFKA_USERNAME / KN_KAFKA_PASSWORD / KN_KAFKA_CA_FILE say."""
        if self.kafka_local:
            return kafka.KafkaLocal.default().access(user)
        env = os.environ.get
        password, password_file = env("KN_KAFKA_PASSWORD"), env("KN_KAFKA_PASSWORD_FILE")
        if password is None and password_file is not None:
            password = Path(password_file).read_text().strip()
        return KafkaAccess(
            self.kafka_bootstrap, env("KN_KAFKA_USERNAME"), password, env("KN_KAFKA_CA_FILE")
        )

    def service_env(self, service: str) -> dict[str, str]:
        """Environment that points one service at Kafka as its own principal and at its own
        database only (and, on the local cluster, at the role that owns its tables:
        kn_servicekit.roles)."""
        db = LocalDatabase(service, port=postgres.PostgresLocal.default().port)
        env = {"KN_KAFKA_BOOTSTRAP": self.kafka_bootstrap, db.env_var: self.databases[service]}
        env |= kafka_env(self.kafka(service))
        if service in self.local_databases:
            env[db.owner_env_var] = db.owner_url
        return env


def kafka_env(access: KafkaAccess) -> dict[str, str]:
    """The settings (kn_servicekit.settings) naming a principal and its trust."""
    env = {"KN_KAFKA_BOOTSTRAP": access.bootstrap}
    if access.username is not None and access.password is not None:
        env |= {"KN_KAFKA_USERNAME": access.username, "KN_KAFKA_PASSWORD": access.password}
    if access.ca_file is not None:
        env["KN_KAFKA_CA_FILE"] = access.ca_file
    return env


def kafka_from_env(env: Mapping[str, str] = os.environ) -> KafkaAccess:
    """The principal `kafka_env` names, read back (in a process started with it)."""
    return KafkaAccess(
        env["KN_KAFKA_BOOTSTRAP"],
        env.get("KN_KAFKA_USERNAME"),
        env.get("KN_KAFKA_PASSWORD"),
        env.get("KN_KAFKA_CA_FILE"),
    )


def endpoints() -> Endpoints:
    """Endpoints from the environment, falling back to the local runtime's."""
    kafka_env = os.environ.get("KN_KAFKA_BOOTSTRAP")
    databases: dict[str, str] = {}
    local: list[str] = []
    pg = postgres.PostgresLocal.default()
    for service in SERVICES:
        db = LocalDatabase(service, port=pg.port)
        url = os.environ.get(db.env_var)
        if url is None:
            local.append(service)
        databases[service] = url or db.url
    return Endpoints(
        kafka_bootstrap=kafka_env or kafka.KafkaLocal.default().bootstrap,
        kafka_local=kafka_env is None,
        databases=databases,
        local_databases=tuple(local),
    )


def prepare() -> None:
    """Install what the local runtime needs (Kafka jars, PostgreSQL) without starting it,
    kcat (Debian's Kafka command-line client), which region integrators and tests use, the
    font meetings' attendance sheet embeds, libical, whose iTIP check tests run, and
    Chromium, the browser the web app's tests drive."""
    found = endpoints()
    if found.kafka_local:
        kafka.ensure_jars(kafka.KafkaLocal.default())
    if found.local_databases:
        postgres.ensure_installed()
    install_missing()  # kcat, the sheet's font, libical, Chromium (kn_deploy.packages)


_held = 0  # how deeply this process holds the lock below


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """One `up` at a time on this machine's local runtime (a lock file in the cache): two
    at once (test workers, two suites) raced on PostgreSQL's roles ("tuple concurrently
    updated"). Re-entrant within a process."""
    global _held
    if _held:
        _held += 1
        try:
            yield
        finally:
            _held -= 1
        return
    path = cache_dir() / "infra.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _held = 1
        try:
            yield
        finally:
            _held = 0
            fcntl.flock(lock, fcntl.LOCK_UN)


def up() -> tuple[Endpoints, list[str]]:
    """Start whatever runs locally, create topics, provision databases; say what started."""
    found = endpoints()
    if not (found.kafka_local or found.local_databases):
        return _up()  # nothing here to start: nothing written here either
    with exclusive():
        return _up()


def _up() -> tuple[Endpoints, list[str]]:
    found = endpoints()
    started: list[str] = []
    if found.kafka_local:
        broker = kafka.KafkaLocal.default()
        if kafka.running_pid(broker) is None:
            started.append("kafka")
        kafka.start(broker)
        asyncio.run(broker_setup.secure(broker, os.environ.get("KN_TOPIC_PREFIX", "")))
    if found.local_databases:
        pg = postgres.PostgresLocal.default()
        old = postgres.legacy()
        if old is not None and postgres.is_running(old):
            postgres.stop(old)  # an earlier version's cluster, on the port this one needs
        if not postgres.is_running(pg):
            started.append("postgres")
        postgres.start(pg)
        databases = [LocalDatabase(s, port=pg.port) for s in found.local_databases]
        asyncio.run(provision(pg, databases, owner_roles=True))
    create_topics()
    return found, started


def add_principal(principal: str) -> tuple[str, str]:
    """Add `principal` (e.g. region:nordjylland) to the local broker: its user, password."""
    if not endpoints().kafka_local:
        raise ValueError(
            "KN_KAFKA_BOOTSTRAP names an external broker: add its users and ACLs there "
            "(kafka-configs / kafka-acls); `kn infra principal` manages the local one"
        )
    prefix = os.environ.get("KN_TOPIC_PREFIX", "")
    return broker_setup.add_principal(kafka.KafkaLocal.default(), principal, prefix)


def create_topics() -> list[str]:
    """Create the registry's topics and dead-letter topics where missing (with the services'
    KN_TOPIC_PREFIX, if the operator set one)."""
    prefix = os.environ.get("KN_TOPIC_PREFIX", "")
    return asyncio.run(ensure_topics(endpoints().kafka(), TOPICS, prefix=prefix))


def status() -> dict[str, str]:
    """One line of state per component."""
    found = endpoints()
    lines: dict[str, str] = {}
    if found.kafka_local:
        pid = kafka.running_pid(kafka.KafkaLocal.default())
        lines["kafka"] = f"running (pid {pid}) at {found.kafka_bootstrap}" if pid else "stopped"
    else:
        lines["kafka"] = f"external at {found.kafka_bootstrap} (KN_KAFKA_BOOTSTRAP)"
    pg = postgres.PostgresLocal.default()
    if found.local_databases:
        state = "running" if postgres.is_running(pg) else "stopped"
        lines["postgres"] = f"{state} at {pg.host}:{pg.port} (data in {pg.data})"
    else:
        lines["postgres"] = "external for every service"
    return lines


def down(components: tuple[str, ...] = ("kafka", "postgres"), purge: bool = False) -> list[str]:
    """Stop the local components; external servers are never touched. Say what stopped.
    With purge, also delete their data (the log and the databases go together)."""
    # services a `kn demo --keep-running` left use both: they stop first
    stopped = [f"{name} service" for name in stop_recorded(demo_dir() / "pids")]
    broker, pg = kafka.KafkaLocal.default(), postgres.PostgresLocal.default()
    if "kafka" in components and kafka.stop(broker):
        stopped.append("kafka")
    old = postgres.legacy()
    if "postgres" in components:
        if postgres.stop(pg):
            stopped.append("postgres")
        if old is not None and postgres.stop(old):
            stopped.append("postgres (earlier cache location)")
    if purge:
        for data in (broker.root / "data", broker.root / "cluster.id"):
            if data.is_dir():
                shutil.rmtree(data)
            else:
                data.unlink(missing_ok=True)
        postgres.purge(pg)
        if old is not None:
            postgres.purge(old)
    return stopped
