"""Who may read or act for a network (DOMAIN Coordinator 1), by the actor events record.

Actors (kn_servicekit.auth): `ekm`, `region`, `auditor`, and a coordinator as
`coordinator:<network id>/<person id>` (older events: `coordinator:<network id>`). The
HTTP edge has already checked that the person coordinates the network today
(kn_servicekit.coordinators); a pure domain checks a Cause's actor here with no I/O.
"""

from __future__ import annotations

from kn_servicekit.errors import AccessDenied

EKM = "ekm"
AUDITOR = "auditor"
OWN_NETWORK = "Coordinator 1: a coordinator acts for their own network only"


def coordinator_of(network_id: str, person_id: str | None = None) -> str:
    """The actor of the network's coordinator (with the person, as commands record it)."""
    return f"coordinator:{network_id}" + (f"/{person_id}" if person_id else "")


def coordinated_network(actor: str) -> str | None:
    """The network a coordinator actor acts for (None: not a coordinator)."""
    name, _, rest = actor.partition(":")
    return rest.partition("/")[0] or None if name == "coordinator" else None


def person_of(actor: str) -> str | None:
    """The person a coordinator actor names (None: a role, or an older event's actor)."""
    name, _, rest = actor.partition(":")
    return rest.partition("/")[2] or None if name == "coordinator" else None


def is_coordinator_of(actor: str, network_id: str) -> bool:
    """Whether the actor is the network's coordinator (any person, or an older record)."""
    return coordinated_network(actor) == network_id


def may_read(actor: str, network_id: str) -> None:
    """EKM and auditors read every network; a coordinator reads their own."""
    if actor in (EKM, AUDITOR) or is_coordinator_of(actor, network_id):
        return
    raise AccessDenied(
        OWN_NETWORK,
        f"{actor} may not read network {network_id}: a coordinator acts on their own network",
    )


def may_act(actor: str, network_id: str) -> None:
    """EKM acts for every network; a coordinator only for their own (an auditor only reads)."""
    if actor == EKM or is_coordinator_of(actor, network_id):
        return
    raise AccessDenied(OWN_NETWORK, f"{actor} may not act for network {network_id}")
