"""What a projection is: tables in its own schema, fed batches of decoded events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope
from kn_servicekit.db import Connection

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class Delivery(NamedTuple):
    """One decoded message and where it came from."""

    topic: str
    partition: int
    offset: int
    envelope: Envelope
    event: Event


class Projection(Protocol):
    """A read model. Its tables live in a schema the runner chooses (via search_path).

    A projection may set `derived = False` when what it writes is not derivable from the
    log (a command consumer appending to its service's event store): its transactions then
    wait for the durable commit.

    A projection may also define `async def resume(self, conn)`: the runner calls it after
    `create`, in the same transaction, each time it starts on the projection's schema (the
    service starting, or following a rebuild to a new schema) — for a command consumer to
    catch up on what it was never delivered (facts a rebuild read before it did).
    """

    name: str
    topics: tuple[str, ...]

    async def create(self, conn: Connection) -> None:
        """Create the read-model tables (idempotent)."""
        ...

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        """Apply new events, in order, inside the runner's transaction."""
        ...


@dataclass(frozen=True)
class Cutoff:
    """Replay only what the log held up to a day.

    by="recorded" (the default) keeps events whose ce_time falls on or before the day: the
    figures as they stood then, so a late-reported change cannot rewrite a past report.
    by="effective" keeps events whose effective_date is on or before the day, including
    those reported later: the corrected view, only when asked for.
    """

    day: dt.date
    by: Literal["recorded", "effective"] = "recorded"
    # the day's end in Copenhagen as an instant in UTC, as relays stamp ce_time: comparing
    # with it costs a tenth of converting each event's time to a Copenhagen date
    ends: dt.datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        after = dt.datetime.combine(self.day + dt.timedelta(days=1), dt.time(), COPENHAGEN)
        object.__setattr__(self, "ends", after.astimezone(dt.UTC))

    def admits(self, delivery: Delivery) -> bool:
        """True if the delivery belongs to the replay."""
        if self.by == "effective":
            return delivery.event.effective_date <= self.day
        return delivery.envelope.time < self.ends
