"""A stream's fold kept between commands, so a load reads only what was recorded since.

The cache holds committed state only. A load through a store that has not appended to the
stream in its transaction sees committed events alone (PostgreSQL's read committed), so
those may advance the cache. A load after such an append would see events that can still
roll back: it gets a private fold instead and leaves the cache as it was. The cached state
is handed out to be read, never changed: an evolve that mutates must not be applied to it
outside this module (the pipeline gives a decision's own events to a copy it folds anew).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from kn_contracts.base import Event
from kn_servicekit.eventstore import EventStore

S = TypeVar("S")


class FoldCache(Generic[S]):
    """The committed fold of one stream in this process, advanced by the events since."""

    def __init__(self, initial: Callable[[], S], evolve: Callable[[S, Event], S]) -> None:
        self._initial = initial
        self._evolve = evolve
        self._state = initial()
        self._version = 0
        self._lock = asyncio.Lock()
        self.events_folded = 0  # for tests and benchmarks: how much work loads did

    async def load(self, store: EventStore, stream_id: str) -> tuple[S, int]:
        """The stream's state as `store` sees it now, and the version it was folded from."""
        if store.appended_to(stream_id):
            return await self._private(store, stream_id)
        async with self._lock:
            stream = await store.read(stream_id, after=self._version)
            if stream.events and stream.events[0].version != self._version + 1:
                raise AssertionError(f"stream {stream_id} skipped from {self._version}")
            for stored in stream.events:
                self._state = self._evolve(self._state, stored.event)
                self._version = stored.version
                self.events_folded += 1
            return self._state, self._version

    async def _private(self, store: EventStore, stream_id: str) -> tuple[S, int]:
        stream = await store.read(stream_id)
        state = self._initial()
        for stored in stream.events:
            state = self._evolve(state, stored.event)
        self.events_folded += len(stream.events)
        return state, stream.version

    def forget(self) -> None:
        """Start again from an empty state (after a restore or a rebuild of the stream)."""
        self._state, self._version = self._initial(), 0
