"""The one way a command changes a stream: load, prepare, decide, append — again after a lost race.

    decided = await decide_and_append(store, plan, lambda p, roster: close(p, cmd, cause, roster),
                                      prepare=lambda p: roster_for(directory, p))

Each attempt reads the stream once, runs `prepare` on that state (reads any other input the
decision needs, e.g. a roster: it may depend on the state, so it is read again with it),
decides in pure code and appends with the version it read. A lost race (ConcurrencyError)
starts a new attempt; after ATTEMPTS it propagates (409 at the HTTP edge, retried later by
a command consumer). With a cause key (an inbound message's source and id) the events get
ids derived from it, so a message handled twice appends once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from kn_contracts.base import Event
from kn_servicekit.errors import ConcurrencyError, DuplicateEventError
from kn_servicekit.eventstore import EventStore, derived_ids
from kn_servicekit.folds import FoldCache

ATTEMPTS = 5  # a lost race is decided again on fresh state, this many times in all

S = TypeVar("S")
P = TypeVar("P")  # what `prepare` read


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    """A consistency boundary: its stream, its state when empty, how an event changes it."""

    stream_id: str
    initial: Callable[[], S]
    evolve: Callable[[S, Event], S]
    key: str | Callable[[Event], str] | None = None  # Kafka key(s); default: the stream id
    # A hot stream (one stream for a whole register) whose writers would lose races to each
    # other under load: each attempt takes the store's append lock before it reads, so a
    # command never waits more than one other decision and never loses a race.
    serialised: bool = False


@dataclass(frozen=True)
class Decided(Generic[S, P]):
    """What a command did: the state after it, the events it appended and its prepared input.

    `events` is empty when the decision changed nothing, or its cause was handled before.
    Decided through a cache, `state` is the state the decision was taken on."""

    state: S
    events: list[Event]
    prepared: P


async def load(
    store: EventStore, aggregate: Aggregate[S], cache: FoldCache[S] | None = None
) -> tuple[S, int]:
    """The state as the store holds it now, and the stream version it was folded from.
    With a cache, only the events recorded since its last load are read and folded."""
    if cache is not None:
        return await cache.load(store, aggregate.stream_id)
    stream = await store.read(aggregate.stream_id)
    state = aggregate.initial()
    for stored in stream.events:
        state = aggregate.evolve(state, stored.event)
    return state, stream.version


@overload
async def decide_and_append(
    store: EventStore,
    aggregate: Aggregate[S],
    decide: Callable[[S], Sequence[Event]],
    *,
    cause_key: str | None = None,
    cache: FoldCache[S] | None = None,
) -> Decided[S, None]: ...


@overload
async def decide_and_append(
    store: EventStore,
    aggregate: Aggregate[S],
    decide: Callable[[S, P], Sequence[Event]],
    *,
    prepare: Callable[[S], Awaitable[P]],
    cause_key: str | None = None,
    cache: FoldCache[S] | None = None,
) -> Decided[S, P]: ...


async def decide_and_append(
    store: EventStore,
    aggregate: Aggregate[S],
    decide: Callable[..., Sequence[Event]],
    *,
    prepare: Callable[[S], Awaitable[Any]] | None = None,
    cause_key: str | None = None,
    cache: FoldCache[S] | None = None,
) -> Decided[S, Any]:
    """Decide on the stream's current state and append; decide again if another writer won.

    With a cache (a large stream, e.g. membership's register) the state is the cache's
    committed fold: it is returned as loaded, without the new events, which the cache
    folds once their transaction has committed."""
    for attempt in range(1, ATTEMPTS + 1):
        if aggregate.serialised:
            await store.lock_for_append()
        state, version = await load(store, aggregate, cache)
        prepared = None if prepare is None else await prepare(state)
        events = list(decide(state) if prepare is None else decide(state, prepared))
        if not events:
            return Decided(state, [], prepared)
        ids = derived_ids(cause_key, len(events)) if cause_key is not None else None
        try:
            await store.append(  # the lock taken above, at this level: not taken again
                aggregate.stream_id, version, events, key=aggregate.key, event_ids=ids,
                locked=aggregate.serialised,
            )  # fmt: skip
        except ConcurrencyError:
            if attempt == ATTEMPTS:
                raise
            continue
        except DuplicateEventError:
            if cause_key is None:
                raise
            return Decided(state, [], prepared)  # this cause was handled before
        if cache is None:
            for event in events:
                state = aggregate.evolve(state, event)
        return Decided(state, events, prepared)
    raise AssertionError("unreachable")
