"""Settings have working local defaults and yield to the environment."""

from __future__ import annotations

import pytest

from kn_finance.settings import FinanceSettings
from kn_servicekit.settings import LOCAL_KAFKA_BOOTSTRAP


def test_defaults_point_at_the_local_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KN_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("KN_FINANCE_DATABASE_URL", raising=False)
    settings = FinanceSettings()
    assert settings.kafka_bootstrap == LOCAL_KAFKA_BOOTSTRAP
    assert settings.database_url.endswith("@127.0.0.1:55432/kn_finance")


def test_environment_points_a_service_at_existing_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KN_KAFKA_BOOTSTRAP", "kafka.internal:9092")
    monkeypatch.setenv("KN_FINANCE_DATABASE_URL", "postgresql://f:secret@db.internal/finance")
    monkeypatch.setenv("KN_FINANCE_API_TOKENS", '{"abc": "ekm"}')
    settings = FinanceSettings()
    assert settings.kafka_bootstrap == "kafka.internal:9092"
    assert settings.database_url == "postgresql://f:secret@db.internal/finance"
    assert settings.api_tokens == {"abc": "ekm"}


def test_tokens_never_appear_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KN_FINANCE_API_TOKENS", '{"very-secret": "ekm"}')
    assert "very-secret" not in repr(FinanceSettings())
