"""Small helpers the pages share: dates from the query, a network's name."""

from __future__ import annotations

import datetime as dt

from kn_web.danish import today
from kn_web.services import ServiceError, Services
from kn_web.session import Session


def on_date(text: str | None, default: dt.date | None = None) -> dt.date:
    """The date a page is asked about (?dato=2025-03-12); today when none or unreadable."""
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return default or today()


def year_of(text: str | None) -> int:
    """The year a page is asked about (?aar=2025); this year when none or unreadable."""
    try:
        year = int(text or "")
    except ValueError:
        return today().year
    return year if 2000 <= year <= 2100 else today().year


async def network_name(services: Services, session: Session, network_id: str) -> str:
    """The network's name. Membership lists networks to EKM and auditors only, so a
    coordinator's page takes it from the network's annual status (reporting)."""
    try:
        if session.role != "coordinator":
            found = await services.get("membership", "/v1/networks", session.token)
            return next((n["name"] for n in found if n["network_id"] == network_id), network_id)
        status = await services.get("reporting", f"/v1/networks/{network_id}/annual-status/"
                                    f"{today().year}", session.token)  # fmt: skip
        return str(status["figures"]["network"]["name"] or network_id)
    except (ServiceError, KeyError, TypeError):
        return network_id
