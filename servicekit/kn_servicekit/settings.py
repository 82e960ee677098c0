"""Settings every service shares, with local defaults matching `kn infra up`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kn_contracts.base import Event
from kn_contracts.topics import Topic, topic_of
from kn_servicekit.actors import PRINCIPALS, Actor
from kn_servicekit.kafka_access import KafkaAccess

LOCAL_KAFKA_BOOTSTRAP = "127.0.0.1:19092"
LOCAL_POSTGRES_HOST = "127.0.0.1"
LOCAL_POSTGRES_PORT = 55432


@dataclass(frozen=True)
class LocalDatabase:
    """A service's database on the local development cluster."""

    service: str
    host: str = LOCAL_POSTGRES_HOST
    port: int = LOCAL_POSTGRES_PORT

    @property
    def name(self) -> str:
        return f"kn_{self.service}"

    @property
    def role(self) -> str:
        return f"kn_{self.service}"

    @property
    def password(self) -> str:
        # Loopback-only development cluster; real deployments set KN_<SERVICE>_DATABASE_URL.
        return f"{self.role}_local"

    @property
    def url(self) -> str:
        return f"postgresql://{self.role}:{self.password}@{self.host}:{self.port}/{self.name}"

    @property
    def env_var(self) -> str:
        return f"KN_{self.service.upper()}_DATABASE_URL"

    @property
    def owner_role(self) -> str:
        """The role that owns the database and the event table; the service runs as `role`."""
        return f"{self.role}_owner"

    @property
    def owner_password(self) -> str:
        return f"{self.owner_role}_local"

    @property
    def owner_url(self) -> str:
        credentials = f"{self.owner_role}:{self.owner_password}"
        return f"postgresql://{credentials}@{self.host}:{self.port}/{self.name}"

    @property
    def owner_env_var(self) -> str:
        return f"KN_{self.service.upper()}_OWNER_DATABASE_URL"


class ServiceSettings(BaseSettings):
    """Base of each service's one settings class; subclasses set env_prefix and defaults."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    # shared by every service, so not under the service's prefix
    kafka_bootstrap: str = Field(LOCAL_KAFKA_BOOTSTRAP, validation_alias="KN_KAFKA_BOOTSTRAP")
    # the service's own principal on the broker (SASL/SCRAM over TLS; `kn infra up` prints
    # the local broker's); unset, the connection is PLAINTEXT
    kafka_username: str | None = Field(None, validation_alias="KN_KAFKA_USERNAME")
    kafka_password: str | None = Field(None, validation_alias="KN_KAFKA_PASSWORD", repr=False)
    kafka_ca_file: str | None = Field(None, validation_alias="KN_KAFKA_CA_FILE")
    # or the password in a file (a container's secret), read when the service connects
    kafka_password_file: str | None = Field(None, validation_alias="KN_KAFKA_PASSWORD_FILE")
    # put before every topic name: lets tests and trials share one cluster without mixing
    topic_prefix: str = Field("", validation_alias="KN_TOPIC_PREFIX")
    database_url: str  # the role the service runs as: it may only read and append events
    # the role that creates and migrates the tables and owns the event table
    # (KN_<SERVICE>_OWNER_DATABASE_URL); unset, database_url's role does it and owns them
    owner_database_url: str | None = Field(None, repr=False)
    http_host: str = "127.0.0.1"
    http_port: int
    log_level: str = "INFO"
    # a service principal's token -> role, e.g. {"s3cret": "ekm"}; never logged. A
    # coordinator has no configured token: they sign in as a person (token_public_key).
    api_tokens: dict[str, str] = Field(default_factory=dict, repr=False)
    # EKM's Ed25519 public key(s), PEM (two while a key is replaced): verifies persons'
    # tokens (kn_servicekit.tokens); shared by every service, so not under the prefix
    token_public_key: str | None = Field(None, validation_alias="KN_TOKEN_PUBLIC_KEY")
    # an Idempotency-Key's stored answer (which may name persons) is kept this many days
    idempotency_days: int = Field(30, ge=1)
    # processes a `rebuild` replays in, the partitions shared out (KN_<SERVICE>_REBUILD_WORKERS;
    # `rebuild --workers N` overrides): one per core, or more on other machines
    rebuild_workers: int = Field(1, ge=1, le=64)

    @field_validator("api_tokens")
    @classmethod
    def _roles_are_known(cls, tokens: dict[str, str]) -> dict[str, str]:
        for role in tokens.values():
            if Actor.parse(role).role not in PRINCIPALS:
                raise ValueError(
                    f"role {role!r}: a coordinator signs in as a person with the token EKM "
                    "issues (kn token issue --person <id>); configured tokens are for "
                    f"{', '.join(PRINCIPALS)} only"
                )
        return tokens

    def token_public_keys(self) -> list[str]:
        """EKM's public keys, one PEM block each."""
        end = "-----END PUBLIC KEY-----"
        text = self.token_public_key or ""
        return [block.strip() + "\n" + end for block in text.split(end) if block.strip()]

    @property
    def kafka(self) -> KafkaAccess:
        """How this service reaches the broker (kafka_access.kafka_options builds clients)."""
        password = self.kafka_password
        if password is None and self.kafka_password_file is not None:
            password = Path(self.kafka_password_file).read_text().strip()
        return KafkaAccess(self.kafka_bootstrap, self.kafka_username, password, self.kafka_ca_file)

    def topic(self, topic: Topic) -> str:
        """The name a registered topic has in this deployment."""
        return self.topic_prefix + topic.name

    def topic_for(self, event: Event) -> str:
        """Where an event of this service is published."""
        return self.topic_prefix + topic_of(event)

    def actors(self) -> dict[str, Actor]:
        """The token table with each role parsed."""
        return {token: Actor.parse(role) for token, role in self.api_tokens.items()}
