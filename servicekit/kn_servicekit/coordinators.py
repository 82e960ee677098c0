"""Whether a person may act for a network today, from the service's own view of EKM's
confirmed coordinator history (DOMAIN Coordinator 9, 6, 1).

A person acts as coordinator of a network from the start day of EKM's confirmed act that
makes them a holder until the day they step down (or their membership ends, Coordinator
6): a shared role lets both holders act. Nothing is re-issued when the role changes; each
service answers from the history it folds with kn_contracts.coordinator.RoleHistory (the
one history and months policy), through the CoordinatorView port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Collection
from typing import Protocol

from fastapi import Request

from kn_contracts.coordinator import RoleHistory
from kn_servicekit.access import OWN_NETWORK
from kn_servicekit.errors import AccessDenied

CONFIRMED = "Coordinator 9"  # the network elects, EKM records: only confirmed acts count
VIEW = "coordinator_view"  # where a composition root puts its ViewOf on app.state


class CoordinatorView(Protocol):
    """A service's own view of the coordinator history (its port)."""

    async def coordinators(self, network_id: str) -> RoleHistory:
        """The network's confirmed coordinator history (empty if it knows none)."""
        ...

    async def networks_naming(self, person_id: str) -> Collection[str]:
        """The networks whose history names the person as a holder at any time."""
        ...


ViewOf = Callable[[Request], Awaitable[CoordinatorView]]


def provide(state: object, view_of: ViewOf) -> None:
    """Let the access dependency reach this service's view (called by bootstrap)."""
    setattr(state, VIEW, view_of)


async def view(request: Request) -> CoordinatorView:
    """The running service's view; a service without one refuses every person (403)."""
    view_of: ViewOf | None = getattr(request.app.state, VIEW, None)
    if view_of is None:
        raise AccessDenied(CONFIRMED, "this service keeps no coordinator history")
    return await view_of(request)


def holds_on(history: RoleHistory, person_id: str, day: dt.date) -> bool:
    """Whether the person holds the role on the day."""
    spell = history.on(day)
    return spell is not None and spell.holds(person_id)


def check(history: RoleHistory, person_id: str, network_id: str, day: dt.date) -> None:
    """Nothing if the person coordinates the network on the day; else AccessDenied naming
    the rule: the day the role ended, the day it starts, or that EKM has not confirmed it."""
    if holds_on(history, person_id, day):
        return
    ended = _ended(history, person_id, day)
    if ended is not None:
        raise AccessDenied(
            CONFIRMED,
            f"{person_id} coordinated {network_id} until {ended.isoformat()}: the role ended "
            f"that day (a coordinator acts until they step down), so {person_id} may not "
            f"act for {network_id} on {day.isoformat()}",
        )
    starts = [s.start for s in history.spells if s.start > day and s.holds(person_id)]
    if starts:
        raise AccessDenied(
            CONFIRMED,
            f"{person_id} coordinates {network_id} from {min(starts).isoformat()}, as EKM "
            f"confirmed it; not yet on {day.isoformat()}",
        )
    raise AccessDenied(
        OWN_NETWORK,
        f"{person_id} may not read or act for {network_id}: not its coordinator on "
        f"{day.isoformat()} in EKM's confirmed coordinator history; if the network elected "
        f"them, EKM has not confirmed it yet ({CONFIRMED})",
    )


def _ended(history: RoleHistory, person_id: str, day: dt.date) -> dt.date | None:
    """The start of the first spell without the person after their last spell up to the day."""
    ended = None
    held = False
    for spell in history.spells:
        if spell.start > day:
            break
        if spell.holds(person_id):
            held, ended = True, None
        elif held and ended is None:
            ended = spell.start
    return ended


async def networks_of(view: CoordinatorView, person_id: str, day: dt.date) -> list[str]:
    """The networks the person coordinates on the day, by id."""
    found = []
    for network_id in sorted(set(await view.networks_naming(person_id))):
        if holds_on(await view.coordinators(network_id), person_id, day):
            found.append(network_id)
    return found
