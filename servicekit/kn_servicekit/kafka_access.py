"""How every Kafka client of the system reaches the broker: address, principal and trust.

The one place that builds a client's security options (aiokafka's, FastStream's,
librdkafka's and a Java client's). With a username the connection is
SASL_SSL with SCRAM-SHA-512 (a password never crosses the wire in the clear), verified
against the CA file, or the system's trust store when none is named; without one it is
PLAINTEXT (an unsecured development broker).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from dataclasses import dataclass, field, replace
from typing import Any

from faststream.security import BaseSecurity, SASLScram512

MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaAccess:
    """Where the broker is and who this client is to it."""

    bootstrap: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never logged
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.username is not None and self.password is None:
            raise ValueError(
                f"Kafka user {self.username!r} has no password: set KN_KAFKA_PASSWORD "
                "(`kn infra up` prints the local broker's)"
            )

    @property
    def secured(self) -> bool:
        return self.username is not None

    def as_user(self, username: str, password: str) -> KafkaAccess:
        """The same broker and trust, another principal."""
        return replace(self, username=username, password=password)


def kafka_options(access: KafkaAccess) -> dict[str, Any]:
    """The aiokafka keyword arguments (producer, consumer, admin client) for `access`."""
    options: dict[str, Any] = {"bootstrap_servers": access.bootstrap}
    if access.username is None:
        return options
    return options | {
        "security_protocol": "SASL_SSL",
        "ssl_context": ssl_context(access.ca_file),
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": access.username,
        "sasl_plain_password": access.password,
    }


def librdkafka_config(access: KafkaAccess) -> dict[str, str]:
    """The same options for librdkafka (confluent-kafka, kcat's -X): it needs >= 2.6.1 for
    SCRAM on Kafka 4 (kn_deploy.kcat says why)."""
    config = {"bootstrap.servers": access.bootstrap}
    if access.username is None or access.password is None:
        return config
    config |= {
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": MECHANISM,
        "sasl.username": access.username,
        "sasl.password": access.password,
    }
    if access.ca_file is not None:
        config["ssl.ca.location"] = access.ca_file
    return config


def java_client_properties(access: KafkaAccess) -> str:
    """The same options as a Java client's properties file (Kafka's own tools'
    --command-config); empty for PLAINTEXT. Holds the password: write it 0600."""
    if access.username is None or access.password is None:
        return ""
    jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required"
    lines = [
        "security.protocol=SASL_SSL",
        f"sasl.mechanism={MECHANISM}",
        f'sasl.jaas.config={jaas} username="{access.username}" password="{access.password}";',
    ]
    if access.ca_file is not None:
        lines += ["ssl.truststore.type=PEM", f"ssl.truststore.location={access.ca_file}"]
    return "\n".join(lines) + "\n"


def faststream_security(access: KafkaAccess) -> BaseSecurity | None:
    """The same options in FastStream's terms (its broker only pings: http.py)."""
    if access.username is None or access.password is None:
        return None
    return SASLScram512(access.username, access.password, ssl_context=ssl_context(access.ca_file))


@functools.cache
def ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """A client context that verifies the broker's certificate and host name (one per CA
    file: building one reads and parses the file)."""
    return ssl.create_default_context(cafile=ca_file)


async def transports_closed() -> None:
    """Give a TLS connection's close the loop turns it needs, before a loop that is about
    to end (`asyncio.run` of a CLI command): aiokafka closes its transports without waiting,
    and a TLS close takes a few turns, so otherwise a socket is left for the collector
    (ResourceWarning: unclosed transport). aiohttp's graceful shutdown waits the same way."""
    await asyncio.sleep(0.25)
