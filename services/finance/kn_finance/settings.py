"""The finance service's one settings class (environment prefix KN_FINANCE_)."""

from pydantic_settings import SettingsConfigDict

from kn_finance import SERVICE
from kn_servicekit.settings import LocalDatabase, ServiceSettings


class FinanceSettings(ServiceSettings):
    """Settings of the finance service; every field has a working local default."""

    model_config = SettingsConfigDict(env_prefix="KN_FINANCE_", extra="ignore", frozen=True)

    database_url: str = LocalDatabase(SERVICE).url
    http_port: int = 8103
    # DOMAIN "Other schemes": a scheme shipped in kn_rules/schemes, or a .json file's path
    scheme: str = "fysioterapi"
    # the fee statement's font (Debian's fonts-dejavu-core): Danish letters need Unicode
    statement_font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
