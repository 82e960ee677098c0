"""The one place a Kafka client's security options come from (kn_servicekit.kafka_access)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from kn_servicekit.kafka_access import (
    KafkaAccess,
    java_client_properties,
    kafka_options,
    librdkafka_config,
)
from kn_servicekit.settings import ServiceSettings

CA = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")


def test_a_principal_connects_by_tls_with_scram_sha_512_trusting_its_ca() -> None:
    access = KafkaAccess("kafka.internal:9093", "membership", "s3cret", str(CA))
    options = kafka_options(access)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "membership",
        "s3cret",
    )
    context = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert librdkafka_config(access)["ssl.ca.location"] == str(CA)
    assert 'username="membership" password="s3cret"' in java_client_properties(access)


def test_no_username_is_plaintext_for_every_kind_of_client() -> None:
    access = KafkaAccess("127.0.0.1:19092")
    assert kafka_options(access) == {"bootstrap_servers": "127.0.0.1:19092"}
    assert librdkafka_config(access) == {"bootstrap.servers": "127.0.0.1:19092"}
    assert java_client_properties(access) == ""


def test_a_username_without_a_password_says_what_to_set() -> None:
    with pytest.raises(ValueError, match="KN_KAFKA_PASSWORD"):
        KafkaAccess("kafka:9092", "membership")


def test_the_password_is_never_in_the_settings_repr(tmp_path: Path) -> None:
    secret = tmp_path / "membership.password"
    secret.write_text("from-a-file\n")
    settings = ServiceSettings.model_validate(
        {"database_url": "postgresql://x", "http_port": 1, "KN_KAFKA_USERNAME": "membership",
         "KN_KAFKA_PASSWORD_FILE": str(secret)}
    )  # fmt: skip
    assert settings.kafka.password == "from-a-file"
    assert "from-a-file" not in repr(settings.kafka)
    assert "from-a-file" not in repr(settings)
