"""EKM settles a rejected region change: applies it once the register allows, or dismisses it."""

from __future__ import annotations

from collections.abc import Callable

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_contracts.sealed import ERASED
from kn_membership.domain import feed
from kn_membership.domain.errors import AlreadyExists, NotFound, RuleBroken
from kn_membership.domain.model import Rejection
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause

Decode = Callable[[str, str], Event]  # (ce_type, JSON body) -> the change, by the catalog


def pending(register: Register, number: int) -> Rejection:
    """The unresolved change with this number, or NotFound (also once it was settled)."""
    found = register.unresolved.get(number)
    if found is None:
        if 0 < number <= register.rejections:
            raise AlreadyExists(None, f"region change {number} was settled already")
        raise NotFound(None, f"there is no unresolved region change {number}")
    return found


def redrive(register: Register, number: int, decode: Decode, cause: Cause) -> list[Event]:
    """Decide the change again on today's register; if it applies, record its events and
    that it was settled. If it still contradicts the register, RuleBroken says why."""
    rejection = pending(register, number)
    if rejection.change == ERASED:  # issue 15: its person was erased, the body with them
        raise RuleBroken(
            None,
            f"region change {number} named a person who has been erased, so it cannot be "
            "applied: dismiss it, and ask the region to send the change again if it still holds",
        )
    change = decode(rejection.change_type, rejection.change)
    # as the feed decided: the region's actor and the day it reported the change
    as_reported = Cause(change.actor, rejection.change_key, change.correlation_id,
                        rejection.reported_on)  # fmt: skip
    events = feed.decide(change, register, as_reported)
    settled = ev.RegionChangeSettled(
        **cause.stamp(cause.today), change_key=rejection.change_key, outcome="applied"
    )
    return [*events, settled]


def dismiss(register: Register, number: int, note: str, cause: Cause) -> list[Event]:
    """Set the change aside for good, with EKM's note on how it was settled."""
    rejection = pending(register, number)
    return [
        ev.RegionChangeSettled(
            **cause.stamp(cause.today),
            change_key=rejection.change_key,
            outcome="dismissed",
            note=note,
        )
    ]
