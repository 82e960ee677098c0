"""A single-node Apache Kafka (KRaft) assembled from Maven Central and run as a process."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import signal
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from kn_deploy.broker_tls import TlsFiles, ensure_tls, write_private
from kn_deploy.layout import cache_dir
from kn_deploy.principals import ADMIN, Principals
from kn_deploy.process import pid_alive, read_pid, run_checked, wait_until
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

# The one pin. docker-compose.yml uses apache/kafka with the same tag (a test checks).
KAFKA_VERSION = "4.3.1"
SCALA_VERSION = "2.13"
LOG4J_VERSION = "2.24.3"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
 <groupId>dk.kvalitetsnet</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
 <packaging>pom</packaging>
 <dependencies>
  <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_{scala}</artifactId>
   <version>{kafka}</version></dependency>
  <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
   <version>{kafka}</version>
   <exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId>
   </exclusion></exclusions></dependency>
  <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId>
   <version>{log4j}</version></dependency>
  <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId>
   <version>{log4j}</version></dependency>
  <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
   <version>{log4j}</version></dependency>
 </dependencies></project>
"""

LOG4J2 = """appender.c.type=Console
appender.c.name=STDOUT
appender.c.layout.type=PatternLayout
appender.c.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.s.ref=STDOUT
logger.k.name=kafka.server.KafkaRaftServer
logger.k.level=INFO
"""

SERVER_PROPERTIES = """process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{host}:{controller_port}
controller.listener.names=CONTROLLER
log.dirs={data}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=2097152
num.network.threads=2
num.io.threads=4
"""

# Clients reach the broker by TLS with a SCRAM-SHA-512 user only; the controller listener
# serves the quorum on loopback, its one user (admin, PLAIN) written here. The file is 0600.
SECURITY_PROPERTIES = """listeners=SASL_SSL://{host}:{port},CONTROLLER://{host}:{controller_port}
advertised.listeners=SASL_SSL://{host}:{port}
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
 org.apache.kafka.common.security.scram.ScramLoginModule required \
 username="{admin}" password="{password}";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=\
 org.apache.kafka.common.security.plain.PlainLoginModule required \
 username="{admin}" password="{password}" user_{admin}="{password}";
ssl.keystore.type=PEM
ssl.keystore.location={keystore}
ssl.truststore.type=PEM
ssl.truststore.location={ca}
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:{admin}
"""


# Kafka's defaults from kafka-run-class.sh, with a heap sized for a laptop or CI machine: 1 GiB
# (512 MiB ran out after a day of test runs, each creating its own topics, on one broker).
SERVER_JVM = (
    "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
)  # fmt: skip
# A broker that lives for one test (its outage is the test): the client compiler only and
# the serial collector start it on 7 s of CPU instead of 12 (this machine), where a
# long-lived broker's throughput does not matter.
SHORT_LIVED_JVM = (
    "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
)  # fmt: skip
# A tool that runs for a second (the storage format before every start): 1.7 s of CPU
# instead of 2.5.
TOOL_JVM = ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")


@dataclass(frozen=True)
class KafkaLocal:
    """Files and ports of the local broker."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 19092
    controller_port: int = 19093
    jvm: tuple[str, ...] = SERVER_JVM  # the broker's JVM options

    @classmethod
    def default(cls) -> KafkaLocal:
        port = int(os.environ.get("KN_LOCAL_KAFKA_PORT", "19092"))
        return cls(root=cache_dir() / "kafka", port=port, controller_port=port + 1)

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def libs(self) -> Path:
        return self.root / f"libs-{KAFKA_VERSION}"

    @property
    def pid_file(self) -> Path:
        return self.root / "kafka.pid"

    @property
    def log_file(self) -> Path:
        return self.root / "logs" / "server.out"

    @property
    def classpath(self) -> str:
        return f"{self.libs}/*"

    @property
    def tls(self) -> TlsFiles:
        return TlsFiles(self.root / "security")

    @property
    def principals(self) -> Principals:
        return Principals(self.root / "security" / "principals.json")

    def access(self, user: str = ADMIN) -> KafkaAccess:
        """How `user` reaches this broker (the admin unless told)."""
        password = self.principals.password(user)
        return KafkaAccess(self.bootstrap, user, password, str(self.tls.ca))

    def password_file(self, user: str) -> Path:
        """A file holding `user`'s password alone (0600, beside principals.json), for
        KN_KAFKA_PASSWORD_FILE: `kn infra up` names it instead of printing the password."""
        path = self.root / "security" / f"{user}.password"
        write_private(path, self.principals.password(user).encode())
        return path


def ensure_jars(kafka: KafkaLocal) -> None:
    """Fetch the broker, its tools and a logging backend from Maven Central (once)."""
    marker = kafka.libs / ".complete"
    if marker.exists():
        return
    build = kafka.root / "maven"
    build.mkdir(parents=True, exist_ok=True)
    (build / "pom.xml").write_text(
        POM.format(scala=SCALA_VERSION, kafka=KAFKA_VERSION, log4j=LOG4J_VERSION)
    )
    command = [
        "mvn", "-B", "-q", "-f", str(build / "pom.xml"),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        "-DincludeScope=runtime", f"-DoutputDirectory={kafka.libs}",
    ]  # fmt: skip
    run_checked(
        command,
        what=f"fetching Kafka {KAFKA_VERSION}'s jars from Maven Central (mvn)",
        hint="check that Maven reaches Maven Central (a proxy in ~/.m2/settings.xml?); "
        "or point KN_KAFKA_BOOTSTRAP at an existing Kafka",
    )
    marker.write_text(KAFKA_VERSION)


def java_command(
    kafka: KafkaLocal, main: str, *args: str, jvm: tuple[str, ...] = TOOL_JVM
) -> list[str]:
    """A java command line with Kafka's classpath and logging configuration."""
    return [
        "java", *jvm, f"-Dlog4j2.configurationFile={kafka.root / 'log4j2.properties'}",
        f"-Djava.io.tmpdir={kafka.root / 'tmp'}", f"-Dkafka.logs.dir={kafka.root / 'logs'}",
        "-cp", kafka.classpath, main, *args,
    ]  # fmt: skip


def _configure(kafka: KafkaLocal) -> Path:
    for sub in ("data", "logs", "tmp"):
        (kafka.root / sub).mkdir(parents=True, exist_ok=True)
    (kafka.root / "log4j2.properties").write_text(LOG4J2)
    tls = ensure_tls(kafka.tls, dt.datetime.now(dt.UTC))
    admin_password = kafka.principals.ensure()[ADMIN]
    where = {"host": kafka.host, "port": kafka.port, "controller_port": kafka.controller_port}
    properties = kafka.root / "server.properties"
    text = SERVER_PROPERTIES.format(**where, data=kafka.root / "data")
    text += SECURITY_PROPERTIES.format(
        **where, admin=ADMIN, password=admin_password, keystore=tls.keystore, ca=tls.ca
    )
    write_private(properties, text.encode())
    cluster_file = kafka.root / "cluster.id"
    if not cluster_file.exists():
        cluster_file.write_text(_new_cluster_id())
    return properties


def _new_cluster_id() -> str:
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT
SECURED_MARK = ".kn-secured"  # in the data dir: formatted with the admin's credential


def _check_formatted_secured(kafka: KafkaLocal) -> None:
    data = kafka.root / "data"
    if (data / "meta.properties").exists() and not (data / SECURED_MARK).exists():
        raise RuntimeError(
            f"the local log in {data} was formatted before the broker was secured, so it "
            "holds no admin credential; `kn infra down --purge` deletes it (the log and "
            "the databases go together) and the next `kn infra up` starts afresh"
        )


def running_pid(kafka: KafkaLocal) -> int | None:
    """The broker's pid if our broker process is alive."""
    pid = read_pid(kafka.pid_file)
    return pid if pid is not None and pid_alive(pid) else None


def start(kafka: KafkaLocal, timeout: float = 90.0) -> int:
    """Start the broker in the background and return once a metadata request succeeds."""
    pid = running_pid(kafka)
    if pid is not None:
        if not (kafka.root / "data" / SECURED_MARK).exists():
            raise RuntimeError(
                f"the Kafka running here (pid {pid}) was started before the broker was "
                "secured (PLAINTEXT, no users); `kn infra down --purge` stops it and deletes "
                "its log (the log and the databases go together), then `kn infra up`"
            )
        asyncio.run(wait_ready(kafka.access(), timeout))
        return pid
    ensure_jars(kafka)
    properties = _configure(kafka)
    cluster_id = (kafka.root / "cluster.id").read_text().strip()
    _check_formatted_secured(kafka)
    # the admin's credential goes into the log as it is formatted: the broker needs it to
    # start (inter-broker), and it lets `kn infra` add the other users afterwards
    admin = f"SCRAM-SHA-512=[name={ADMIN},password={kafka.principals.password(ADMIN)}]"
    fmt = java_command(
        kafka, "kafka.tools.StorageTool", "format", "--config", str(properties),
        "--cluster-id", cluster_id, "--ignore-formatted", "--add-scram", admin,
    )  # fmt: skip
    run_checked(
        fmt,
        what="formatting Kafka's storage (kafka.tools.StorageTool)",
        hint=f"`kn infra down --purge` deletes {kafka.root / 'data'} and starts the log afresh",
        secret=admin,
    )
    (kafka.root / "data" / SECURED_MARK).touch()
    server = java_command(kafka, "kafka.Kafka", str(properties), jvm=kafka.jvm)
    # posix_spawn in a new session: the broker outlives this process (`kn infra up` returns)
    # and no Popen object is left to warn about a child still running.
    pid = os.posix_spawnp(
        server[0],
        server,
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(kafka.log_file), _APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
        setsid=True,
    )
    kafka.pid_file.write_text(str(pid))
    deadline = time.monotonic() + timeout
    wait_until(lambda: not pid_alive(pid) or _port_open(kafka), deadline)
    if not pid_alive(pid):
        raise RuntimeError(f"Kafka exited during start; see {kafka.log_file}")
    asyncio.run(wait_ready(kafka.access(), max(1.0, deadline - time.monotonic())))
    return pid


def _port_open(kafka: KafkaLocal) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((kafka.host, kafka.port)) == 0


async def wait_ready(access: KafkaAccess, within: float) -> None:
    """Wait until a real metadata request to the cluster succeeds."""
    deadline = time.monotonic() + within
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            await list_topics(access)
            return
        except Exception as exc:
            last = exc
            await asyncio.sleep(0.5)
    raise TimeoutError(f"Kafka at {access.bootstrap} not ready after {within:.0f}s: {last!r}")


async def list_topics(access: KafkaAccess) -> list[str]:
    """Topic names from a metadata request."""
    admin = AIOKafkaAdminClient(**kafka_options(access), request_timeout_ms=5000)
    await admin.start()
    try:
        return sorted(await admin.list_topics())
    finally:
        await admin.close()


def stop(kafka: KafkaLocal, timeout: float = 30.0) -> bool:
    """SIGTERM the broker (controlled shutdown), SIGKILL after `timeout`. True if it ran."""
    pid = running_pid(kafka)
    if pid is None:
        kafka.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not pid_alive(pid), time.monotonic() + timeout):
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not pid_alive(pid), time.monotonic() + 5)
    kafka.pid_file.unlink(missing_ok=True)
    return True
