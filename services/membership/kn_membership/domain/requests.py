"""Who records the role (Coordinator 9): the network elects, EKM records. A coordinator's
report of an act is a request; EKM confirms it (the ordinary coordinator event, from the
reported date, naming the request) or rejects it with a reason. EKM may record directly.
"""

from __future__ import annotations

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain import commands as cmd
from kn_membership.domain import coordinator
from kn_membership.domain.errors import AlreadyExists, NotFound
from kn_membership.domain.model import Request
from kn_membership.domain.register import Register
from kn_servicekit.access import EKM
from kn_servicekit.cause import Cause


def report(command: cmd.CoordinatorAct, register: Register, cause: Cause) -> list[Event]:
    """EKM's act is recorded; anyone else's (the network's coordinator) is a request."""
    if cause.actor == EKM:
        return coordinator.decide(command, register, cause)
    return request(command, register, cause)


def request(command: cmd.CoordinatorAct, register: Register, cause: Cause) -> list[Event]:
    """A request, if EKM could confirm it now (so a coordinator learns of a mistake at once)."""
    coordinator.decide(command, register, cause)
    network_id = command.network_id
    act, persons, payee = _described(command)
    return [
        ev.CoordinatorActRequested(
            **cause.stamp(command.effective_date),
            network_id=network_id,
            request=len(register.requests.get(network_id, {})) + 1,
            act=act,
            person_ids=persons,
            payee_person_id=payee,
        )
    ]


def pending(register: Register, network_id: str, number: int) -> Request:
    """The network's pending request with this number; NotFound, or AlreadyExists once settled."""
    found = register.requests.get(network_id, {}).get(number)
    if found is None:
        raise NotFound(None, f"{network_id} has no coordinator request {number}")
    if found.status != "pending":
        raise AlreadyExists("Coordinator 9", f"request {number} of {network_id} is {found.status}")
    return found


def confirm(register: Register, network_id: str, number: int, cause: Cause) -> list[Event]:
    """The requested act, recorded from the reported date and naming the request; a rule it
    now breaks (e.g. a later act recorded since, Coordinator 7) refuses it."""
    found = pending(register, network_id, number)
    events = coordinator.decide(_command(found), register, cause)
    return [e.model_copy(update={"request": number}) for e in events]


def reject(
    register: Register, network_id: str, number: int, reason: str, cause: Cause
) -> list[Event]:
    """EKM turns the request down, with the reason the coordinator sees."""
    pending(register, network_id, number)
    return [
        ev.CoordinatorActRejected(
            **cause.stamp(cause.today), network_id=network_id, request=number, reason=reason
        )
    ]


def waiting(register: Register) -> list[Request]:
    """Every pending request of every network, oldest first: EKM's list to settle."""
    return [
        r
        for network in sorted(register.requests)
        for r in register.requests[network].values()
        if r.status == "pending"
    ]


def _described(
    command: cmd.CoordinatorAct,
) -> tuple[ev.CoordinatorAct, tuple[str, ...], str | None]:
    if isinstance(command, cmd.ElectCoordinator):
        return "elect", (command.person_id,), None
    if isinstance(command, cmd.ChangeCoordinator):
        return "change", (command.person_id,), None
    if isinstance(command, cmd.ShareCoordinatorRole):
        return "share", command.person_ids, command.payee_person_id
    return "step_down", (command.person_id,), None


def _command(found: Request) -> cmd.CoordinatorAct:
    network, on, persons = found.network_id, found.effective_date, found.person_ids
    if found.act == "elect":
        return cmd.ElectCoordinator(network, persons[0], on)
    if found.act == "change":
        return cmd.ChangeCoordinator(network, persons[0], on)
    if found.act == "share":
        return cmd.ShareCoordinatorRole(
            network, (persons[0], persons[1]), found.payee_person_id or persons[0], on
        )
    return cmd.StepDownAsCoordinator(network, persons[0], on)
