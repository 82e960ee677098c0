"""The end of the demo year: EKM closes 2025 for the coordinator fee (January 2026), the
audit replays the log until finance has published every figure it recomputes, reporting
serves the same digest, and each network's coordinator submits the annual status, which
EKM acknowledges. Nothing here records a fact the audit reads, so a rerun on the same day
gives the same digest."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kn_deploy.audit import Audit, replay
from kn_deploy.scenario_desk import Desk
from kn_deploy.scenario_kit import get_json, get_or_none, send, until
from kn_deploy.scenario_year import Expected
from kn_rules.audit import AsOf
from kn_rules.scheme_files import load_scheme
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.kafka_access import KafkaAccess

SETTLE_WITHIN = 60.0  # seconds: finance decides and publishes after the requests answered
NARRATIVE = {
    "worked_on": "Netværkets aftaler, årets obligatoriske emne og patientforløb, vi deler.",
    "agreements": "Vi mødes 3-4 gange om året på skift hos klinikkerne; afbud til "
    "koordinatoren senest to dage før.",
    "follow_ups": "Hver klinik afprøver en ting fra årets emne og fortæller om det på første "
    "møde i 2026.",
}


@dataclass(frozen=True)
class Closed:
    """Where the year ended: the audit's digest, reporting's, and each acknowledged status."""

    today: dt.date
    audit: Audit
    served_digest: str
    statuses: dict[str, dict[str, Any]]


def close(desk: Desk, expected: dict[str, Expected], say: Callable[[str], None]) -> Closed:
    """Close the fee year, wait for the services to settle, submit and acknowledge."""
    finance, reporting = desk.http["finance"], desk.http["reporting"]
    send(finance, "/fees/2025/close", desk.ekm, "close-fee-2025", None)
    say(
        "EKM closed 2025 for the coordinator fee, as it does in January 2026 (Pool payouts 9; "
        "the services date it today); finance publishes each payee's fee (CoordinatorFeeDue)"
    )
    found = until(
        lambda: _replay(desk.kafka),
        lambda audit: settled(audit.figures, audit.differences, expected),
        within=SETTLE_WITHIN,
    )
    today = dt.date.fromisoformat(found.figures["as_of"])
    path = f"/audit?as_of={today.isoformat()}"
    served = until(
        lambda: get_json(reporting, path, desk.auditor),
        lambda body: body["digest"] == found.digest,
        within=SETTLE_WITHIN,
    )
    statuses = {}
    for network_id, wanted in expected.items():
        statuses[network_id] = _file(desk, network_id, wanted)
    say(
        "each coordinator submitted the 2025 annual status with the narrative; EKM "
        "acknowledged each"
    )
    return Closed(today, found, served["digest"], statuses)


def _replay(kafka: KafkaAccess) -> Audit:
    """`kn audit` as of today (by ce_time), on the services' topics."""
    today = copenhagen_date(dt.datetime.now(dt.UTC))
    prefix = os.environ.get("KN_TOPIC_PREFIX", "")  # the services' topics
    scheme = load_scheme("fysioterapi")
    return asyncio.run(replay(kafka, AsOf(today), scheme, prefix, progress=False))


def settled(
    figures: dict[str, Any], differences: list[dict[str, Any]], expected: dict[str, Expected]
) -> bool:
    """A replay's figures with no difference, and every network's year there: its meetings,
    pool and fees."""
    if differences:
        return False
    for network_id, wanted in expected.items():
        year = figures["networks"].get(network_id, {}).get("2025", {})
        fee = sum(p["amount"] or 0 for p in year.get("fee", {}).values())
        found = (year.get("meetings_held"), year.get("pool_paid"), fee, year.get("fee_closed"))
        if found != (wanted.meetings_held, wanted.pool_paid, wanted.fee, True):
            return False
    return True


def _file(desk: Desk, network_id: str, wanted: Expected) -> dict[str, Any]:
    """Once reporting has the year as the story made it, the coordinator submits the
    status (once: a rerun's answer is the first one) and EKM acknowledges it."""
    reporting = desk.http["reporting"]
    status = f"/networks/{network_id}/annual-status/2025"
    until(
        lambda: get_or_none(reporting, status, desk.ekm),
        lambda s: s is not None and _as_told(s, wanted),
        within=SETTLE_WITHIN,
    )
    mine = desk.coordinator(network_id)
    send(reporting, f"{status}/submit", mine, f"status-{network_id}-2025", NARRATIVE)
    send(
        reporting,
        f"{status}/acknowledge",
        desk.ekm,
        f"ack-{network_id}-2025",
        {"note": "Modtaget, tak."},
    )
    found: dict[str, Any] = get_json(reporting, status, desk.ekm)
    return found


FILING_FLAGS = frozenset({"overdue", "submitted_late"})


def _as_told(status: dict[str, Any], wanted: Expected) -> bool:
    figures, money = status["figures"], status["figures"]["money"]
    return (
        figures["members"]["on_31_december"] == wanted.members_on_31_december
        and figures["meeting_count"]["held"] == wanted.meetings_held
        and money["pool_used"] == wanted.pool_paid
        and money["fee"]["status"] == "due"
        and money["fee"]["total"] == wanted.fee
        # overdue until submitted, late once submitted: the demo plays 2025 after its
        # status was due
        and tuple(f["code"] for f in status["flags"] if f["code"] not in FILING_FLAGS)
        == wanted.flags
    )
