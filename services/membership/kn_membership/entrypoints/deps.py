"""What routes need from the running service: the store, the clock, who may see a network."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request, status

from kn_contracts.topics import catalog
from kn_membership.domain.cause import Cause
from kn_servicekit.auth import Actor
from kn_servicekit.commands import command_ids
from kn_servicekit.db import Connection
from kn_servicekit.http import Resources
from kn_servicekit.pgstore import PostgresEventStore

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
CATALOG = catalog()


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def store(request: Request, conn: Connection | None = None) -> PostgresEventStore:
    """The register's store, inside `conn`'s transaction when given."""
    running = resources(request)
    base = PostgresEventStore(running.pool, CATALOG, running.settings.topic_for)
    return base.on(conn) if conn is not None else base


def today() -> dt.date:
    """Today in Copenhagen: the default effective date of an act that names none."""
    return dt.datetime.now(COPENHAGEN).date()


def cause(request: Request, actor: Actor) -> Cause:
    """The command's cause: the actor, the request's id, its correlation id if sent."""
    return Cause(str(actor), *command_ids(request))


def may_see(actor: Actor, network_id: str) -> None:
    """EKM and auditors see every network; a coordinator only their own (403 otherwise)."""
    if actor.role in ("ekm", "auditor"):
        return
    if actor.role == "coordinator" and actor.network_id == network_id:
        return
    raise HTTPException(
        status.HTTP_403_FORBIDDEN,
        f"{actor} may not act on network {network_id}: a coordinator acts on their own network",
    )


def may_change(actor: Actor, network_id: str) -> None:
    """EKM, or the network's own coordinator, records coordinator changes."""
    if actor.role == "auditor":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "an auditor reads; it does not record")
    may_see(actor, network_id)
