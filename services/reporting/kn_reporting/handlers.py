"""Reporting's handlers: read the facts, fold them in the domain, record a filing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kn_contracts.events.membership import NetworkCreated
from kn_contracts.events.reporting import Narrative
from kn_reporting.adapters.facts_view import FactsReader
from kn_reporting.domain import submission as filing
from kn_reporting.domain.assemble import figures
from kn_reporting.domain.errors import KNOWN_NETWORK, NotFound
from kn_reporting.domain.facts import Facts
from kn_reporting.domain.figures import Figures
from kn_reporting.domain.overview import NetworkYear, Overview, overview
from kn_reporting.domain.policy import Policy
from kn_reporting.domain.status import AnnualStatus, annual_status, figures_digest
from kn_rules.audit import AsOf, Ledger, differences
from kn_rules.audit import figures as audit_figures
from kn_rules.canonical import digest
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import Aggregate, decide_and_append, load


@dataclass(frozen=True)
class Reports:
    """What the handlers read from: the facts read model and the scheme's policy."""

    facts: FactsReader
    policy: Policy
    scheme: Scheme  # the rate scheme the audit recomputes (kn_rules/schemes)


def _filing(network_id: str, year: int) -> Aggregate[filing.Filing]:
    return Aggregate(
        filing.stream_of(network_id, year), filing.Filing, filing.evolve, key=network_id
    )


async def _figures(reports: Reports, network_id: str, year: int, today: dt.date) -> Figures:
    mine, common = await reports.facts.of_network(network_id)
    return figures(network_id, Facts(mine, common), year, today, reports.policy)


async def status(
    reports: Reports, store: EventStore, network_id: str, year: int, today: dt.date
) -> AnnualStatus:
    """The network's annual status for `year` as it stands today."""
    found = await _figures(reports, network_id, year, today)
    filed, _ = await load(store, _filing(network_id, year))
    return annual_status(found, filed, today, reports.policy)


async def submit(
    reports: Reports,
    store: EventStore,
    network_id: str,
    year: int,
    narrative: Narrative,
    cause: Cause,
) -> AnnualStatus:
    """The coordinator submits the status with the narrative, pinning today's figures."""

    async def prepare(_: filing.Filing) -> Figures:
        return await _figures(reports, network_id, year, cause.today)

    decided = await decide_and_append(
        store,
        _filing(network_id, year),
        lambda filed, found: filing.submit(
            filed, network_id, year, narrative, figures_digest(found), cause
        ),
        prepare=prepare,
    )
    return annual_status(decided.prepared, decided.state, cause.today, reports.policy)


async def acknowledge(
    reports: Reports,
    store: EventStore,
    network_id: str,
    year: int,
    note: str | None,
    cause: Cause,
) -> AnnualStatus:
    """EKM acknowledges the submitted status."""
    found = await _figures(reports, network_id, year, cause.today)
    decided = await decide_and_append(
        store,
        _filing(network_id, year),
        lambda filed: filing.acknowledge(filed, network_id, year, note, cause),
    )
    return annual_status(found, decided.state, cause.today, reports.policy)


async def national(
    reports: Reports, year: int, viewer: str, own: str | None, today: dt.date
) -> Overview:
    """The overview of `year` for the viewer (a coordinator: `own` is their network); the
    filings come from reporting's own topic, so one just recorded shows a moment later."""
    by_network, common = await reports.facts.everything()
    end = dt.date(year, 12, 31)
    statuses = []
    for network_id, mine in sorted(by_network.items()):
        created = [e for e in mine if isinstance(e, NetworkCreated)]
        if not created or created[0].effective_date > end:
            continue  # no network yet in that year
        found = figures(network_id, Facts(mine, common), year, today, reports.policy)
        filed = filing.filed(mine, year)
        statuses.append(NetworkYear(found, filing.submission(filed, year, today, reports.policy)))
    if own is not None and all(s.figures.network.network_id != own for s in statuses):
        raise NotFound(KNOWN_NETWORK, f"no network {own!r} in {year} is known to reporting")
    p = reports.policy
    return overview(statuses, year, viewer, own, p.min_clinics, p.quartile_min_networks)


async def audit(reports: Reports, as_of: AsOf) -> dict[str, Any]:
    """The audit's figures from reporting's facts as of a day, their digest, and where
    finance's decisions and payouts differ (the same code and digest as `kn audit`)."""
    ledger = Ledger(reports.scheme)
    facts = await reports.facts.as_of(as_of)
    for event in facts:
        ledger.apply(event)
    found = audit_figures(ledger, as_of)
    return {
        "figures": found,
        "digest": digest(found),
        "differences": differences(ledger, found),
        "facts": len(facts),
    }
