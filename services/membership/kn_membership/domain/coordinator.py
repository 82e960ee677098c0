"""The coordinator role: elected, shared, changed, stepped down — each from a date."""

from __future__ import annotations

import datetime as dt
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
    """The coordinator event a command causes (Coordinator 1-2)."""
    raise TypeError(f"no decision for {type(command).__name__}")


@decide.register
def _elect(command: cmd.ElectCoordinator, register: Register, cause: Cause) -> list[Event]:
    holder = _member(register, command.network_id, command.person_id, command.effective_date)
    current = views.coordinator(register, command.network_id, command.effective_date)
    if current is not None and current.holders:
        raise RuleBroken(
            "Coordinator 1",
            f"{command.network_id} has a coordinator on {command.effective_date}; "
            "record a change of coordinator instead",
        )
    return [
        ev.CoordinatorElected(
            **cause.stamp(command.effective_date),
            network_id=command.network_id,
            holders=(holder,),
            payee_person_id=command.person_id,
        )
    ]


@decide.register
def _share(command: cmd.ShareCoordinatorRole, register: Register, cause: Cause) -> list[Event]:
    first, second = command.person_ids
    if first == second:
        raise RuleBroken("Coordinator 1", "a shared role needs two different members")
    if command.payee_person_id not in command.person_ids:
        raise RuleBroken("Coordinator 2", "the fee is paid to one of the two who share the role")
    holders = tuple(
        _member(register, command.network_id, p, command.effective_date) for p in command.person_ids
    )
    return [
        ev.CoordinatorRoleShared(
            **cause.stamp(command.effective_date),
            network_id=command.network_id,
            holders=holders,
            payee_person_id=command.payee_person_id,
        )
    ]


@decide.register
def _change(command: cmd.ChangeCoordinator, register: Register, cause: Cause) -> list[Event]:
    holder = _member(register, command.network_id, command.person_id, command.effective_date)
    current = views.coordinator(register, command.network_id, command.effective_date)
    if current is not None and [p for p, _ in current.holders] == [command.person_id]:
        raise RuleBroken(
            "Coordinator 1",
            f"{command.person_id} already holds the role on {command.effective_date}",
        )
    return [
        ev.CoordinatorChanged(
            **cause.stamp(command.effective_date),
            network_id=command.network_id,
            holders=(holder,),
            payee_person_id=command.person_id,
        )
    ]


@decide.register
def _step_down(command: cmd.StepDownAsCoordinator, register: Register, cause: Cause) -> list[Event]:
    current = views.coordinator(register, command.network_id, command.effective_date)
    holders = current.holders if current else ()
    if command.person_id not in [p for p, _ in holders]:
        raise RuleBroken(
            "Coordinator 1",
            f"{command.person_id} does not hold the coordinator role of {command.network_id} "
            f"on {command.effective_date}",
        )
    staying = tuple(
        ev.CoordinatorHolder(person_id=p, name=n) for p, n in holders if p != command.person_id
    )
    payee = staying[0].person_id if staying else None
    stepped_down = ev.CoordinatorSteppedDown(
        **cause.stamp(command.effective_date),
        network_id=command.network_id,
        holders=staying,
        payee_person_id=payee,
        person_id=command.person_id,
    )
    return [stepped_down]


def _member(
    register: Register, network_id: str, person_id: str, on: dt.date
) -> ev.CoordinatorHolder:
    """The coordinator is one of the network's members on the date (Coordinator 1)."""
    for member in views.members_on(register, network_id, on):
        if member.person_id == person_id:
            return ev.CoordinatorHolder(person_id=person_id, name=member.name)
    raise RuleBroken("Coordinator 1", f"{person_id} is not a member of {network_id} on {on}")
