"""Membership's use cases on the register: load, decide, append — for HTTP and for the feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kn_contracts.base import Event
from kn_membership.domain.consequences import complete
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.folds import FoldCache
from kn_servicekit.pipeline import Aggregate, decide_and_append, load

Decision = Callable[[Register], list[Event]]
Rules = Callable[[Any, Register, Cause], list[Event]]


def ordering_key(event: Event) -> str:
    """The Kafka key of a membership event: its network, else its cluster or ydernummer."""
    for field in ("network_id", "cluster_id", "ydernummer"):
        value = getattr(event, field, None)
        if isinstance(value, str):
            return value
    return "register"


def _applied(register: Register, event: Event) -> Register:
    register.apply(event)
    return register


# Every membership decision spans clinics, ydernumre and networks (a renter joins the
# clinic's network, a sale moves a clinic), so one stream is the consistency boundary.
# Its writers (EKM, coordinators, the region feed) take the append lock before they read,
# so a command waits at most for one feed message's decision instead of losing races to a
# backlog.
REGISTER = Aggregate("register", Register, _applied, key=ordering_key, serialised=True)


def register_cache() -> FoldCache[Register]:
    """The service's cached fold of the register (one per process, made by bootstrap), so a
    decision or a GET reads only the events recorded since the last one (DOMAIN Membership 8)."""
    return FoldCache(Register, _applied)


async def register(store: EventStore, cache: FoldCache[Register] | None = None) -> Register:
    """The register as the store holds it now (read it, never change it)."""
    return (await load(store, REGISTER, cache))[0]


async def handle(
    store: EventStore,
    decide: Decision,
    cause_key: str | None = None,
    cache: FoldCache[Register] | None = None,
) -> list[Event]:
    """Decide on the current register and append what was decided, with what it brings
    (consequences.complete), again after a lost race.

    With a cause key (an inbound message's source and id) a message handled twice appends
    once."""
    decided = await decide_and_append(
        store,
        REGISTER,
        lambda register: complete(register, decide(register)),
        cause_key=cause_key,
        cache=cache,
    )
    return decided.events


async def record(
    store: EventStore,
    rules: Rules,
    command: object,
    cause: Cause,
    cache: FoldCache[Register] | None = None,
) -> dict[str, Any]:
    """Decide a command by the rules and append; answer with the events recorded, by type."""
    recorded = await handle(store, lambda current: rules(command, current, cause), cache=cache)
    return {"recorded": [event.event_name() for event in recorded]}
