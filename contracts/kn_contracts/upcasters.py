"""Upcasters for every event type that has changed shape. Old events stay as written.

A breaking change to an event is a new class with `version = N + 1` (the old class kept
with `type_name` set), plus an Upcaster from the old ce_type to the new one here.
"""

from kn_contracts.base import Event
from kn_contracts.catalog import Body, Upcaster
from kn_contracts.events import meetings, membership


def _unchanged(body: Body) -> Body:
    """Version 1 held the personal fields in clear: a sealed field reads clear text as it
    is (kn_contracts.sealed), so the body needs no change; the log keeps what it said."""
    return body


def _sealed_since_v2(event: type[Event]) -> Upcaster:
    current = event.ce_type()
    return Upcaster(current.removesuffix(".v2") + ".v1", current, _unchanged)


UPCASTERS: tuple[Upcaster, ...] = tuple(
    _sealed_since_v2(event) for event in (*membership.SEALED_SINCE_V2, *meetings.SEALED_SINCE_V2)
)
