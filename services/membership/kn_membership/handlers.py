"""Membership's use cases: load the register, decide, append — for HTTP and for the feed."""

from __future__ import annotations

from collections.abc import Callable

from kn_contracts.base import Event
from kn_membership.domain.register import Register, fold
from kn_servicekit.errors import ConcurrencyError, DuplicateEventError
from kn_servicekit.eventstore import EventStore, derived_ids

# Every membership decision spans clinics, ydernumre and networks (a renter joins the
# clinic's network, a sale moves a clinic), so one stream is the consistency boundary.
REGISTER = "register"
ATTEMPTS = 5

Decision = Callable[[Register], list[Event]]


def ordering_key(event: Event) -> str:
    """The Kafka key of a membership event: its network, else its cluster or ydernummer."""
    for field in ("network_id", "cluster_id", "ydernummer"):
        value = getattr(event, field, None)
        if isinstance(value, str):
            return value
    return REGISTER


async def load(store: EventStore) -> tuple[Register, int]:
    """The register as the store holds it now, and its version."""
    stream = await store.read(REGISTER)
    return fold([stored.event for stored in stream.events]), stream.version


async def handle(store: EventStore, decide: Decision, cause_key: str | None = None) -> list[Event]:
    """Decide on the current register and append; decide again if another writer won.

    With a cause key (an inbound message's source and id) the events get ids derived from
    it, so a message handled twice appends once.
    """
    for attempt in range(ATTEMPTS):
        register, version = await load(store)
        events = decide(register)
        if not events:
            return []
        ids = derived_ids(cause_key, len(events)) if cause_key else None
        try:
            await store.append(REGISTER, version, events, key=ordering_key, event_ids=ids)
        except ConcurrencyError:
            if attempt == ATTEMPTS - 1:
                raise
            continue
        except DuplicateEventError:
            return []  # this cause was handled before
        return events
    raise AssertionError("unreachable")
