"""Why finance refuses a command: each error names the DOMAIN rule it applies."""

from __future__ import annotations

from kn_servicekit.errors import DomainError

RATES = "Pool payouts 5: each year's amounts come from a rate table EKM publishes"
WHAT_COUNTS = "Pool payouts 6: the rate table says which categories count, and how"
INVOICE = "Pool payouts 4: an invoice names the network, the coordinator and the meeting date"
CHECKS = "Pool payouts 7: every check runs; EKM may override, with a reason"
CAP = "Pool payouts 3: an invoice is approved up to the meeting's entitlement"
FEE = "Coordinator 2: the fee is paid for the months served in the calendar year"
CLOSE = "Pool payouts 9: in January EKM closes the previous year for the coordinator fee"


class FinanceError(DomainError):
    """Base of finance's refusals: (rule, detail)."""

    rule: str

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(rule, detail)


class NotFound(FinanceError):
    """The invoice, meeting or payee named is not known to finance."""


class Conflict(FinanceError):
    """The command clashes with what is recorded (an id used twice, a year closed twice)."""


class Invalid(FinanceError):
    """The command's data breaks a rule, or an input it needs is missing (a rate table)."""


def no_rate_table(year: int) -> Invalid:
    """The error for a year without a rate table: it names the year (Pool payouts 5)."""
    return Invalid(RATES, f"no rate table for {year}: EKM publishes one at POST /v1/rate-tables")
