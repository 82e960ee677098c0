"""docker-compose.yml runs the same Kafka as deploy/ and gives each service what it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kn_deploy.compose_secrets import write_secrets
from kn_deploy.kafka import KAFKA_VERSION
from tests.boundaries import REPO, SERVICES


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def test_compose_runs_the_kafka_version_deploy_pins(compose: dict[str, Any]) -> None:
    assert compose["services"]["kafka"]["image"] == f"apache/kafka:{KAFKA_VERSION}"


def test_compose_runs_the_official_postgres_image(compose: dict[str, Any]) -> None:
    assert compose["services"]["postgres"]["image"].startswith("postgres:")


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_gets_kafka_its_database_and_its_tokens(
    compose: dict[str, Any], service: str
) -> None:
    env = compose["services"][service]["environment"]
    prefix = f"KN_{service.upper()}_"
    assert env["KN_KAFKA_BOOTSTRAP"] == "kafka:9092"
    # its own principal, by TLS; the password in a file only it reads (the secrets step's)
    assert env["KN_KAFKA_USERNAME"] == service
    assert env["KN_KAFKA_PASSWORD_FILE"] == f"/secrets/{service}.password"
    assert env["KN_KAFKA_CA_FILE"] == "/secrets/ca.pem"
    assert env[prefix + "DATABASE_URL"].endswith(f"@postgres:5432/kn_{service}")
    assert prefix + "API_TOKENS" in env
    assert env[prefix + "HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - inside its container


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_holds_another_services_database_credentials(
    compose: dict[str, Any], service: str
) -> None:
    env = compose["services"][service]["environment"]
    foreign = [
        k for k in env if k.endswith("_DATABASE_URL") and not k.startswith(f"KN_{service.upper()}_")
    ]
    assert foreign == []


def test_compose_postgres_creates_a_runtime_and_an_owner_role_and_a_database_per_service() -> None:
    sql = (REPO / "deploy" / "docker" / "postgres-init.sql").read_text()
    for service in SERVICES:
        assert f"CREATE ROLE kn_{service} LOGIN" in sql
        # the owner role owns the database; the service runs as the other (append-only log)
        assert f"CREATE DATABASE kn_{service} OWNER kn_{service}_owner;" in sql
        assert f"REVOKE ALL ON DATABASE kn_{service} FROM PUBLIC" in sql


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_healthy_only_when_ready_and_restarts_by_itself(
    compose: dict[str, Any], service: str
) -> None:
    spec = compose["services"][service]
    port = spec["ports"][0].rsplit(":", 1)[1]
    probe = " ".join(spec["healthcheck"]["test"])
    assert f"http://127.0.0.1:{port}/ready" in probe
    assert spec["restart"] in {"unless-stopped", "always", "on-failure"}


def test_the_service_image_runs_as_a_user_that_is_not_root() -> None:
    dockerfile = (REPO / "deploy" / "docker" / "service.Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_the_build_context_leaves_out_the_virtualenv_caches_and_git_history() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".cache", ".git"} <= ignored


def test_the_service_image_installs_the_font_the_pdfs_embed() -> None:
    dockerfile = (REPO / "deploy" / "docker" / "service.Dockerfile").read_text()
    assert "fonts-dejavu-core" in dockerfile


def test_compose_s_broker_takes_tls_and_scram_only_and_denies_what_no_acl_allows(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    """The secrets step (the project's own code) writes the broker's configuration: the
    same security as `kn infra up`'s, with the quorum on the container's loopback."""
    assert compose["services"]["secrets"]["command"][:3] == ["kn", "infra", "secrets"]
    assert "server.properties" in compose["services"]["kafka"]["command"][2]
    write_secrets(tmp_path)
    config = dict(
        line.split("=", 1)
        for line in (tmp_path / "server.properties").read_text().replace("\\\n", "").splitlines()
        if "=" in line
    )
    assert "PLAINTEXT://" not in config["listeners"]
    assert config["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert "CONTROLLER://127.0.0.1:9093" in config["listeners"]
    assert config["authorizer.class.name"].endswith("StandardAuthorizer")
    assert config["allow.everyone.if.no.acl.found"] == "false"
    assert config["super.users"] == "User:admin"
    assert config["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert (tmp_path / "membership.password").stat().st_mode & 0o077 == 0
