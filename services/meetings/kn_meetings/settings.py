"""The meetings service's one settings class (environment prefix KN_MEETINGS_)."""

from pydantic_settings import SettingsConfigDict

from kn_meetings import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings


class MeetingsSettings(ServiceSettings):
    """Settings of the meetings service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_MEETINGS_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8102
