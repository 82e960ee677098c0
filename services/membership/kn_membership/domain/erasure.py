"""Erasing a person's personal data (GDPR art. 17, issue 15): the fact, without the name."""

from __future__ import annotations

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain.errors import AlreadyExists, NotFound
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause


def decide(
    register: Register, person_id: str, reason: str, keys_erased: int, cause: Cause
) -> list[Event]:
    """PersonErased for a person the register knows (their keys just deleted)."""
    if not keys_erased and person_id in register.erased:
        raise AlreadyExists(
            None,
            f"{person_id} was erased on {register.erased[person_id].isoformat()}: no key of "
            "theirs is left, so nothing was changed",
        )
    if not register.holdings_of_person(person_id) and not keys_erased:
        raise NotFound(
            "Membership 1",
            f"no person {person_id} in the register and no key of theirs: check the person "
            "id (a person written in on a list is erased at meetings: kn erase person)",
        )
    return [
        ev.PersonErased(
            **cause.stamp(cause.today), subject_id=person_id, reason=reason,
            keys_erased=keys_erased,
        )
    ]  # fmt: skip
