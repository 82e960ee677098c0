"""The reporting service's one settings class (environment prefix KN_REPORTING_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kn_reporting import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings

# Debian's fonts-dejavu-core: a Unicode font, so æ, ø and å print in the PDF
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


class ReportingSettings(ServiceSettings):
    """Settings of the reporting service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_REPORTING_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8104
    # the scheme's numbers (DOMAIN Meetings 1, "Annual status", "Other schemes": data)
    min_meetings_per_year: int = 2
    max_meetings_per_year: int = 4
    status_due_month: int = 1  # the annual status is due on this day of the next year
    status_due_day: int = 31
    # DOMAIN "Annual status", anonymity: no figure drawn from fewer clinics is shown; the
    # policy's 5 is the least a setting may say (a lower one would turn the policy off)
    anonymity_min_clinics: int = Field(5, ge=5)
    # quartiles of other networks only from at least this many
    quartile_min_networks: int = Field(5, ge=5)
    # the rate scheme whose coordinator fee previews use; None: the only one with a table
    rate_scheme: str | None = None
    # the scheme file (kn_rules/schemes, or a .json path) the audit recomputes money with
    audit_scheme: str = "fysioterapi"
    pdf_font: Path = DEJAVU
