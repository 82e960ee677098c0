"""What every decision on the register brings with it, recorded in the same decision."""

from __future__ import annotations

from kn_contracts.base import Event
from kn_membership.domain.covers import covered
from kn_membership.domain.register import Register
from kn_membership.domain.role_ends import role_ends


def complete(register: Register, decided: list[Event]) -> list[Event]:
    """The decided events, then the leaves they imply for stints they cover (Membership 12),
    then the step-downs of coordinators whose membership ends (Coordinator 6)."""
    events = decided + covered(register, decided)
    return events + role_ends(register, events)
