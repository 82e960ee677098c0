"""Upcasters for every event type that has changed shape. Old events stay as written.

A breaking change to an event is a new class with `version = N + 1` (the old class kept
with `type_name` set), plus an Upcaster from the old ce_type to the new one here.
"""

from kn_contracts.catalog import Upcaster

UPCASTERS: tuple[Upcaster, ...] = ()
