"""An in-memory event store obeying the same Protocol, for unit tests of handlers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from kn_contracts.base import Event
from kn_contracts.topics import topic_of
from kn_servicekit.errors import DuplicateEventError
from kn_servicekit.eventstore import StoredEvent, Stream, kafka_key, new_ids, stale
from kn_servicekit.limits import check_event_size


class InMemoryEventStore:
    """Streams in a dict; same concurrency and duplicate rules as the PostgreSQL store."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        topic_for: Callable[[Event], str] = topic_of,
    ) -> None:
        self._streams: dict[str, list[StoredEvent]] = {}
        self._ids: set[uuid.UUID] = set()
        self._clock = clock
        self._topic_for = topic_for
        self.position = 0

    async def read(self, stream_id: str, after: int = 0) -> Stream:
        events = tuple(e for e in self._streams.get(stream_id, ()) if e.version > after)
        return Stream(stream_id, events, after)

    async def stream_ids(self, prefix: str) -> list[str]:
        return sorted(s for s, events in self._streams.items() if s.startswith(prefix) and events)

    async def lock_for_append(self) -> None:
        """Nothing to wait for: an append here never interleaves with another."""

    def appended_to(self, stream_id: str) -> bool:
        return False  # every append here is final at once

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        key: str | Callable[[Event], str] | None = None,
        event_ids: Sequence[uuid.UUID] | None = None,
        locked: bool = False,
    ) -> list[StoredEvent]:
        if not events:
            return []
        stream = self._streams.setdefault(stream_id, [])
        current = stream[-1].version if stream else 0
        if current != expected_version:
            raise stale(stream_id, current, expected_version)
        ids = new_ids(events, event_ids)
        for event in events:
            check_event_size(event.ce_type(), event.model_dump_json())
        if self._ids.intersection(ids):
            raise DuplicateEventError(
                f"events with these ids are already in the store (stream {stream_id})"
            )
        stored = []
        for offset, (event, event_id) in enumerate(zip(events, ids, strict=True), start=1):
            self.position += 1
            stored.append(
                StoredEvent(
                    position=self.position,
                    stream_id=stream_id,
                    version=current + offset,
                    event_id=event_id,
                    recorded_at=self._clock(),
                    topic=self._topic_for(event),
                    key=kafka_key(key, stream_id, event),
                    event=event,
                )
            )
        stream.extend(stored)
        self._ids.update(ids)
        return stored

    def all_events(self) -> list[StoredEvent]:
        """Every stored event in global order (what the relay would publish)."""
        return sorted((e for s in self._streams.values() for e in s), key=lambda e: e.position)
