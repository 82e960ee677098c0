"""The coordinator role as EKM records it: elected, shared, changed, stepped down — each
from a date — and a history restated from a date (Coordinator 1, 2, 7)."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import singledispatch

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain import commands as cmd
from kn_membership.domain import views
from kn_membership.domain.errors import RuleBroken
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause


@singledispatch
def decide(command: object, register: Register, cause: Cause) -> list[Event]:
    """The confirmed coordinator event a command causes (Coordinator 1-2, 7)."""
    raise TypeError(f"no decision for {type(command).__name__}")


@decide.register
def _elect(command: cmd.ElectCoordinator, register: Register, cause: Cause) -> list[Event]:
    on = _in_order(register, command.network_id, command.effective_date)
    holder = _member(register, command.network_id, command.person_id, on)
    current = views.coordinator(register, command.network_id, on)
    if current is not None and current.holders:
        raise RuleBroken(
            "Coordinator 1",
            f"{command.network_id} has a coordinator on {on}; record a change of coordinator "
            "instead",
        )
    return [
        ev.CoordinatorElected(
            **cause.stamp(on),
            network_id=command.network_id,
            holders=(holder,),
            payee_person_id=command.person_id,
        )
    ]


@decide.register
def _share(command: cmd.ShareCoordinatorRole, register: Register, cause: Cause) -> list[Event]:
    on = _in_order(register, command.network_id, command.effective_date)
    first, second = command.person_ids
    if first == second:
        raise RuleBroken("Coordinator 1", "a shared role needs two different members")
    if command.payee_person_id not in command.person_ids:
        raise RuleBroken("Coordinator 2", "the fee is paid to one of the two who share the role")
    holders = tuple(_member(register, command.network_id, p, on) for p in command.person_ids)
    return [
        ev.CoordinatorRoleShared(
            **cause.stamp(on),
            network_id=command.network_id,
            holders=holders,
            payee_person_id=command.payee_person_id,
        )
    ]


@decide.register
def _change(command: cmd.ChangeCoordinator, register: Register, cause: Cause) -> list[Event]:
    on = _in_order(register, command.network_id, command.effective_date)
    holder = _member(register, command.network_id, command.person_id, on)
    current = views.coordinator(register, command.network_id, on)
    if current is not None and [p for p, _ in current.holders] == [command.person_id]:
        raise RuleBroken("Coordinator 1", f"{command.person_id} already holds the role on {on}")
    return [
        ev.CoordinatorChanged(
            **cause.stamp(on),
            network_id=command.network_id,
            holders=(holder,),
            payee_person_id=command.person_id,
        )
    ]


@decide.register
def _step_down(command: cmd.StepDownAsCoordinator, register: Register, cause: Cause) -> list[Event]:
    on = _in_order(register, command.network_id, command.effective_date)
    current = views.coordinator(register, command.network_id, on)
    if current is None or not current.holds(command.person_id):
        raise RuleBroken(
            "Coordinator 1",
            f"{command.person_id} does not hold the coordinator role of {command.network_id} "
            f"on {on}",
        )
    staying = tuple(
        ev.CoordinatorHolder(person_id=p, name=n)
        for p, n in current.holders
        if p != command.person_id
    )
    payee = current.payee if current.payee != command.person_id else None
    return [
        ev.CoordinatorSteppedDown(
            **cause.stamp(on),
            network_id=command.network_id,
            holders=staying,
            payee_person_id=payee or (staying[0].person_id if staying else None),
            person_id=command.person_id,
        )
    ]


@decide.register
def _restate(
    command: cmd.RestateCoordinatorSpells, register: Register, cause: Cause
) -> list[Event]:
    views.network(register, command.network_id)
    starts = [s.start for s in command.spells]
    if not starts or starts[0] != command.effective_date:
        raise RuleBroken(
            "Coordinator 7",
            f"a restatement from {command.effective_date} begins with the spell of that day "
            "(one with no holders if the role was vacant)",
        )
    if any(later <= earlier for earlier, later in itertools.pairwise(starts)):
        raise RuleBroken("Coordinator 7", "the restated spells must be in date order, one a day")
    spells = []
    for spell in command.spells:
        if len(set(spell.person_ids)) != len(spell.person_ids):
            raise RuleBroken("Coordinator 1", f"the spell from {spell.start} names someone twice")
        holders = tuple(_member(register, command.network_id, p, spell.start)
                        for p in spell.person_ids)  # fmt: skip
        if (spell.payee_person_id is None) != (not holders) or (
            holders and spell.payee_person_id not in spell.person_ids
        ):
            raise RuleBroken(
                "Coordinator 2",
                f"the spell from {spell.start}: the fee is paid to one of its holders "
                "(and to nobody when the role is vacant)",
            )
        spells.append(ev.RestatedSpell(start=spell.start, holders=holders,
                                       payee_person_id=spell.payee_person_id))  # fmt: skip
    return [
        ev.CoordinatorSpellsRestated(
            **cause.stamp(command.effective_date),
            network_id=command.network_id,
            spells=tuple(spells),
            reason=command.reason,
        )
    ]


def _in_order(register: Register, network_id: str, on: dt.date) -> dt.date:
    """Coordinator 7: an act dated before the network's latest recorded act is refused."""
    views.network(register, network_id)
    latest = register.role(network_id).latest_act()
    if latest is not None and on < latest:
        raise RuleBroken(
            "Coordinator 7",
            f"the latest recorded coordinator act of {network_id} is dated {latest}; an act "
            f"dated {on} comes before it. EKM corrects the history by restating its spells "
            "from a date",
        )
    return on


def _member(
    register: Register, network_id: str, person_id: str, on: dt.date
) -> ev.CoordinatorHolder:
    """The coordinator is one of the network's members on the date (Coordinator 1)."""
    for member in views.members_on(register, network_id, on):
        if member.person_id == person_id:
            return ev.CoordinatorHolder(person_id=person_id, name=member.name)
    raise RuleBroken("Coordinator 1", f"{person_id} is not a member of {network_id} on {on}")
