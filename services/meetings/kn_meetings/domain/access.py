"""Who may act for a network (DOMAIN Coordinator 1)."""

from __future__ import annotations

from kn_meetings.domain.commands import Context
from kn_meetings.domain.errors import OWN_NETWORK, Forbidden

EKM = "ekm"


def ensure_may_act(ctx: Context, network_id: str) -> None:
    """EKM acts for every network; a coordinator only for the network they coordinate."""
    if ctx.actor in (EKM, f"coordinator:{network_id}"):
        return
    raise Forbidden(OWN_NETWORK, f"{ctx.actor} may not act for network {network_id}")


def ensure_may_read(actor: str, network_id: str) -> None:
    """EKM and auditors read every network; a coordinator reads their own."""
    if actor in (EKM, "auditor", f"coordinator:{network_id}"):
        return
    raise Forbidden(OWN_NETWORK, f"{actor} may not read network {network_id}")
