"""The membership service's one settings class (environment prefix KN_MEMBERSHIP_)."""

from pydantic_settings import SettingsConfigDict

from kn_membership import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings


class MembershipSettings(ServiceSettings):
    """Settings of the membership service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_MEMBERSHIP_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8101
