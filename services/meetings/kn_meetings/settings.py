"""The meetings service's one settings class (environment prefix KN_MEETINGS_)."""

from pathlib import Path

from pydantic import field_validator
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
    # The register holds no e-mail addresses: an invitation writes each person's calendar
    # address from this template. The default's .invalid domain (RFC 2606) can reach no one,
    # so nothing is mailed by mistake; a deployment whose mail relay maps person ids to
    # addresses sets e.g. "mailto:{person_id}@kvalitetsnet.dk".
    attendee_address: str = "mailto:{person_id}@deltager.kvalitetsnet.invalid"
    # The attendance sheet embeds these TrueType fonts (Debian's fonts-dejavu-core, which
    # `kn infra prepare` installs): every name prints, Łukasz, Đorđević, Ayşe or Nguyễn.
    sheet_font: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    sheet_font_bold: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

    @field_validator("attendee_address")
    @classmethod
    def _names_the_person(cls, template: str) -> str:
        if "{person_id}" not in template:
            raise ValueError(f"{template!r} must contain {{person_id}}, e.g. "
                             "mailto:{person_id}@kvalitetsnet.dk")  # fmt: skip
        return template
