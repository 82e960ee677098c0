"""Who may read or act for a network (DOMAIN Coordinator 1), by the actor's role.

Roles (kn_servicekit.auth): `ekm`, `coordinator:<network id>`, `region`, `auditor`. The
actor is given as events record it, so a pure domain may check a Cause's actor too.
"""

from __future__ import annotations

from kn_servicekit.errors import AccessDenied

EKM = "ekm"
AUDITOR = "auditor"
OWN_NETWORK = "Coordinator 1: a coordinator acts for their own network only"


def coordinator_of(network_id: str) -> str:
    """The actor of the network's coordinator."""
    return f"coordinator:{network_id}"


def may_read(actor: str, network_id: str) -> None:
    """EKM and auditors read every network; a coordinator reads their own."""
    if actor in (EKM, AUDITOR, coordinator_of(network_id)):
        return
    raise AccessDenied(
        OWN_NETWORK,
        f"{actor} may not read network {network_id}: a coordinator acts on their own network",
    )


def may_act(actor: str, network_id: str) -> None:
    """EKM acts for every network; a coordinator only for their own (an auditor only reads)."""
    if actor in (EKM, coordinator_of(network_id)):
        return
    raise AccessDenied(OWN_NETWORK, f"{actor} may not act for network {network_id}")
