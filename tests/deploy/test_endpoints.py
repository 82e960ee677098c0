"""Environment variables point the system at existing servers; then nothing local starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kn_deploy import cli, infra, kafka


def test_without_overrides_everything_runs_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KN_KAFKA_BOOTSTRAP", raising=False)
    for service in infra.SERVICES:
        monkeypatch.delenv(f"KN_{service.upper()}_DATABASE_URL", raising=False)
    found = infra.endpoints()
    assert found.kafka_local
    assert found.local_databases == infra.SERVICES


def test_existing_servers_named_in_the_environment_replace_the_local_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KN_KAFKA_BOOTSTRAP", "kafka.example:9092")
    for service in infra.SERVICES:
        monkeypatch.setenv(
            f"KN_{service.upper()}_DATABASE_URL", f"postgresql://u:p@db.example/{service}"
        )
    found = infra.endpoints()
    assert not found.kafka_local
    assert found.local_databases == ()
    assert found.service_env("finance") == {
        "KN_KAFKA_BOOTSTRAP": "kafka.example:9092",
        "KN_FINANCE_DATABASE_URL": "postgresql://u:p@db.example/finance",
    }


@pytest.mark.infra
def test_up_against_existing_servers_starts_nothing_locally(
    endpoints: infra.Endpoints, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    external = infra.kafka_env(endpoints.kafka())  # the broker's admin, as an operator has it
    monkeypatch.setenv("KN_CACHE_DIR", str(tmp_path))
    for setting, given in external.items():
        monkeypatch.setenv(setting, given)
    for service, url in endpoints.databases.items():
        monkeypatch.setenv(f"KN_{service.upper()}_DATABASE_URL", url)
    found, started = infra.up()
    assert started == []
    assert (found.kafka_local, found.local_databases) == (False, ())
    assert list(tmp_path.iterdir()) == []


def test_infra_up_names_each_services_password_file_and_prints_no_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KN_KAFKA_BOOTSTRAP", raising=False)
    known = kafka.KafkaLocal.default().principals.ensure()  # as the broker's start makes them
    monkeypatch.setattr(infra, "up", lambda: (infra.endpoints(), []))  # running already
    assert cli.main(["infra", "up"]) == 0
    printed = capsys.readouterr().out
    assert not [user for user, password in known.items() if password in printed]
    for service in infra.SERVICES:
        named = re.search(
            rf"^{service}: KN_KAFKA_USERNAME={service} KN_KAFKA_PASSWORD_FILE=(\S+)$",
            printed,
            re.MULTILINE,
        )
        assert named, printed
        file = Path(named.group(1))
        assert file.read_text() == known[service]
        assert file.stat().st_mode & 0o777 == 0o600
