"""The reporting service's one settings class (environment prefix KN_REPORTING_)."""

from pydantic_settings import SettingsConfigDict

from kn_reporting import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings


class ReportingSettings(ServiceSettings):
    """Settings of the reporting service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_REPORTING_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8104
