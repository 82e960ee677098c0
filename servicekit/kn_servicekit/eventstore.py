"""The event store port: versioned streams with optimistic appends, and a global order."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kn_contracts.base import Event
from kn_servicekit.errors import ConcurrencyError


@dataclass(frozen=True)
class StoredEvent:
    """An event as recorded in a stream."""

    position: int
    stream_id: str
    version: int
    event_id: uuid.UUID
    recorded_at: dt.datetime
    topic: str
    key: str
    event: Event


@dataclass(frozen=True)
class Stream:
    """A stream as read: its events in order and its version (0 when empty; `after` when
    read from a version on and nothing came since)."""

    stream_id: str
    events: tuple[StoredEvent, ...]
    after: int = 0

    @property
    def version(self) -> int:
        return self.events[-1].version if self.events else self.after


class EventStore(Protocol):
    """What handlers need from an event store."""

    async def read(self, stream_id: str, after: int = 0) -> Stream:
        """The events of a stream after version `after` (all by default), in version order."""
        ...

    async def stream_ids(self, prefix: str) -> list[str]:
        """The ids of the streams that begin with `prefix` and hold events, sorted."""
        ...

    async def lock_for_append(self) -> None:
        """Wait for, and hold until this transaction ends, the lock every append takes: a
        writer that locks before it reads cannot lose a race to another writer of the store.
        A store that is not bound to a transaction has nothing to hold it for."""
        ...

    def appended_to(self, stream_id: str) -> bool:
        """Whether this store appended to the stream (in its transaction, for a bound store):
        a read then sees events that may still roll back."""
        ...

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
        """Append atomically if the stream is still at `expected_version`, else raise
        ConcurrencyError. `key` orders the events on Kafka: one key, or one per event
        (default: the stream id). `event_ids` makes a retried append recognisable (default:
        new random ids); ids appended before raise DuplicateEventError. `locked`: the caller
        took `lock_for_append` in this transaction at this savepoint level and has left no
        savepoint since, so a store bound to the transaction need not take it again."""
        ...


def kafka_key(key: str | Callable[[Event], str] | None, stream_id: str, event: Event) -> str:
    """The Kafka key of one appended event."""
    if key is None:
        return stream_id
    return key if isinstance(key, str) else key(event)


def derived_ids(cause: str, count: int) -> list[uuid.UUID]:
    """Stable event ids for the events one cause produced, so repeating it is detectable."""
    return [uuid.uuid5(uuid.NAMESPACE_URL, f"kn:{cause}#{index}") for index in range(count)]


def new_ids(events: Sequence[Event], event_ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID]:
    """The ids an append gives its events: the caller's, or new random ones."""
    ids = list(event_ids) if event_ids is not None else [uuid.uuid4() for _ in events]
    if len(ids) != len(events):
        raise ValueError("one event id per event")
    if len(set(ids)) != len(ids):
        raise ValueError("each event of an append needs an id of its own")
    return ids


def stale(stream_id: str, current: int, expected: int) -> ConcurrencyError:
    """The error for an append whose expected version no longer holds."""
    return ConcurrencyError(
        f"stream {stream_id} is at version {current}, not {expected}; reload it and decide again"
    )
