"""Membership 10: a person is a member of one network at a time, whatever number of
ydernumre they hold."""

from __future__ import annotations

import datetime as dt

from kn_membership.domain import views
from kn_membership.domain.errors import RuleBroken
from kn_membership.domain.facts import Who
from kn_membership.domain.register import Register


def one_network(register: Register, who: Who, network_id: str, on: dt.date) -> str:
    """Membership 10: a person is a member of one network at a time; a new holding in
    another network leaves them where they are, for EKM to move them if it wants."""
    own = views.network_of(register, who.person_id, on)
    if own is not None and own != network_id:
        raise RuleBroken(
            "Membership 10",
            f"{who.person_id} is already a member of {own} on {on}, so ydernummer "
            f"{who.ydernummer} at clinic {who.clinic_id} (in {network_id}) leaves them there; "
            "EKM moves them by hand if they should change network",
        )
    return network_id
