"""The meetings service's one settings class (environment prefix KN_MEETINGS_)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from kn_meetings import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings


class MeetingsSettings(ServiceSettings):
    """Settings of the meetings service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_MEETINGS_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8102
    # the scheme's numbers (DOMAIN Meetings 1-2; "Other schemes": a second scheme is data)
    min_meetings_per_year: int = 2
    max_meetings_per_year: int = 4
    first_mandatory_topic_year: int = 2025
    follow_up_months: int = 6  # Meetings 5, 8: a follow-up sooner than this is flagged
    # a JSON file {"items": [{"title": ..., "minutes": ...}]}; "{topic}" is filled in.
    # None: the generic agenda of the coordinator guide (Meetings 4), shipped as data.
    agenda_template: Path | None = None
