"""Why reporting refuses: each error names the rule of DOMAIN.md it applies."""

from __future__ import annotations

from kn_servicekit.errors import DomainError

WHO_WRITES = "Annual status: the coordinator submits it, EKM acknowledges it"
KNOWN_NETWORK = "Annual status: per network and calendar year"
RATES = "Pool payouts 5: a year's amounts come from its rate table"


class ReportingError(DomainError):
    """Base of reporting's refusals: (rule, detail)."""

    rule: str

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(rule, detail)


class NotFound(ReportingError):
    """The network is not known to reporting (from membership's events)."""


class Conflict(ReportingError):
    """The status is already submitted or acknowledged."""


class Invalid(ReportingError):
    """The request breaks a rule (a year not begun, nothing to acknowledge)."""
