"""Pure helpers for reporting's domain tests: the facts as the projection keeps them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kn_contracts.base import Event
from kn_reporting.domain.assemble import figures
from kn_reporting.domain.facts import COMMON_SCOPES, Facts, scope_of
from kn_reporting.domain.figures import Figures
from kn_reporting.domain.policy import Policy
from kn_reporting.domain.status import AnnualStatus, annual_status
from kn_reporting.domain.submission import Filing
from tests.reporting import example as ex

AFTER = dt.date(2026, 1, 20)  # the year is over, the status not yet due
POLICY = Policy()
UNFILED = Filing()


def facts(events: Sequence[Event], network: str = ex.NETWORK) -> Facts:
    """What the projection keeps for `network`, in the order given."""
    return Facts(
        [e for e in events if scope_of(e) == network],
        [e for e in events if scope_of(e) in COMMON_SCOPES],
    )


def figures_of(
    events: Sequence[Event],
    today: dt.date = AFTER,
    policy: Policy = POLICY,
    network: str = ex.NETWORK,
    year: int = ex.YEAR,
) -> Figures:
    return figures(network, facts(events, network), year, today, policy)


def status_of(
    events: Sequence[Event],
    today: dt.date = AFTER,
    filing: Filing = UNFILED,
    network: str = ex.NETWORK,
) -> AnnualStatus:
    return annual_status(figures_of(events, today, network=network), filing, today, POLICY)


def codes(status: AnnualStatus) -> list[str]:
    return [flag.code for flag in status.flags]
