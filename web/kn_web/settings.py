"""Where the services are, and how the session cookie is signed (KN_WEB_*)."""

from __future__ import annotations

import secrets

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """The web app's settings, from the environment."""

    model_config = SettingsConfigDict(env_prefix="KN_WEB_")

    http_host: str = "127.0.0.1"
    http_port: int = 8100
    membership_url: str = "http://127.0.0.1:8101"
    meetings_url: str = "http://127.0.0.1:8102"
    finance_url: str = "http://127.0.0.1:8103"
    reporting_url: str = "http://127.0.0.1:8104"
    # Signs the session cookie; a random one (the default, or empty) signs everyone out on a
    # restart and differs between replicas: set one in production.
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32), min_length=16)
    session_hours: int = Field(12, ge=1, le=24 * 7)
    # Behind TLS set this: the cookies are then only sent over HTTPS.
    secure_cookies: bool = False
    timeout_seconds: float = 15.0

    @field_validator("secret_key", mode="before")
    @classmethod
    def _random_when_empty(cls, value: object) -> object:
        return value or secrets.token_urlsafe(32)

    def service_urls(self) -> dict[str, str]:
        return {
            "membership": self.membership_url.rstrip("/"),
            "meetings": self.meetings_url.rstrip("/"),
            "finance": self.finance_url.rstrip("/"),
            "reporting": self.reporting_url.rstrip("/"),
        }
