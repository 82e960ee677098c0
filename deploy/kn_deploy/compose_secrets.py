"""docker-compose.yml's broker security, made by the project's own code (its `secrets` step):
the CA and broker keystore, every principal's password (one file each), and the broker's
server.properties; then, once the broker runs, its users and ACLs (`kn infra secure`)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kn_deploy import kafka
from kn_deploy.broker_tls import TlsFiles, ensure_tls, write_private
from kn_deploy.principals import ADMIN, Principals
from kn_servicekit.kafka_access import KafkaAccess, java_client_properties

KAFKA_UID, SERVICE_UID = 1000, 10001  # apache/kafka's appuser; kn in service.Dockerfile
DATA = "/var/lib/kafka/data"


def write_secrets(folder: Path, host: str = "kafka") -> list[str]:
    """Make (once) what the broker and the services read; say which files exist."""
    tls = ensure_tls(TlsFiles(folder), dt.datetime.now(dt.UTC))
    known = Principals(folder / "principals.json").ensure()
    for user, password in known.items():
        write_private(folder / f"{user}.password", password.encode())
    where = {"host": "0.0.0.0", "port": 9092, "controller_port": 9093}  # noqa: S104
    text = kafka.SERVER_PROPERTIES.format(**where, data=DATA)
    text += kafka.SECURITY_PROPERTIES.format(
        **where, admin=ADMIN, password=known[ADMIN], keystore=tls.keystore, ca=tls.ca
    )
    # the quorum on loopback only; clients inside (kafka:9092) and on the host (19092)
    text = text.replace(
        "controller.quorum.voters=1@0.0.0.0:", "controller.quorum.voters=1@127.0.0.1:"
    )
    text = text.replace(
        "listeners=SASL_SSL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
        "listeners=SASL_SSL://0.0.0.0:9092,HOST://0.0.0.0:19092,CONTROLLER://127.0.0.1:9093",
    )
    text = text.replace(
        "advertised.listeners=SASL_SSL://0.0.0.0:9092",
        f"advertised.listeners=SASL_SSL://{host}:9092,HOST://127.0.0.1:19092",
    )
    text = text.replace("SASL_SSL:SASL_SSL,", "SASL_SSL:SASL_SSL,HOST:SASL_SSL,")
    write_private(folder / "server.properties", text.encode())
    admin = KafkaAccess(f"{host}:9092", ADMIN, known[ADMIN], str(tls.ca))
    client = java_client_properties(admin)  # the healthcheck's kafka-topics.sh
    write_private(folder / "admin-client.properties", client.encode())
    if os.geteuid() == 0:  # the broker reads its files, each service its password
        broker_files = ("server.properties", "admin-client.properties", tls.keystore.name)
        for name in (*broker_files, f"{ADMIN}.password"):
            os.chown(folder / name, KAFKA_UID, 0)
        for user in known:
            if user != ADMIN:
                os.chown(folder / f"{user}.password", SERVICE_UID, 0)
        os.chmod(folder, 0o711)  # noqa: S103 - enter, not list: each file keeps its owner
    return sorted(p.name for p in folder.iterdir())
