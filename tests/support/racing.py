"""An in-memory store whose rivals win every race: a second writer commits first."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from kn_contracts.base import Event
from kn_servicekit.eventstore import StoredEvent
from kn_servicekit.memstore import InMemoryEventStore


class RacingStore(InMemoryEventStore):
    """Lets each of `rivals` commit just before the next append, as a second writer would
    (under `rival_key` on Kafka)."""

    def __init__(
        self,
        *rivals: Event,
        rival_key: str | None = None,
        topic_for: Callable[[Event], str] | None = None,
    ) -> None:
        if topic_for is None:
            super().__init__()
        else:
            super().__init__(topic_for=topic_for)
        self.rivals = list(rivals)
        self._rival_key = rival_key

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
        if self.rivals:
            rival = self.rivals.pop(0)
            await super().append(stream_id, expected_version, [rival], key=self._rival_key)
        return await super().append(stream_id, expected_version, events, key=key,
                                    event_ids=event_ids, locked=locked)  # fmt: skip
