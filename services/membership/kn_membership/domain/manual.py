"""EKM's own acts on clusters, networks and members: always events with actor and reason."""

from __future__ import annotations

import datetime as dt
from functools import singledispatch

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain import commands as cmd
from kn_membership.domain import views
from kn_membership.domain.errors import AlreadyExists, NotFound, RuleBroken
from kn_membership.domain.facts import Who, joined, leaving
from kn_membership.domain.model import Stint
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause


@singledispatch
def decide(command: object, register: Register, cause: Cause) -> list[Event]:
    """The events an EKM command causes; a domain error if it breaks a rule."""
    raise TypeError(f"no decision for {type(command).__name__}")


@decide.register
def _add_cluster(command: cmd.AddCluster, register: Register, cause: Cause) -> list[Event]:
    if command.cluster_id in register.clusters:
        raise AlreadyExists(None, f"cluster {command.cluster_id!r} exists already")
    return [
        ev.ClusterAdded(
            **cause.stamp(command.effective_date), cluster_id=command.cluster_id, name=command.name
        )
    ]


@decide.register
def _rename_cluster(command: cmd.RenameCluster, register: Register, cause: Cause) -> list[Event]:
    _cluster(register, command.cluster_id)
    return [
        ev.ClusterRenamed(
            **cause.stamp(command.effective_date), cluster_id=command.cluster_id, name=command.name
        )
    ]


@decide.register
def _retire_cluster(command: cmd.RetireCluster, register: Register, cause: Cause) -> list[Event]:
    _cluster(register, command.cluster_id)
    return [ev.ClusterRetired(**cause.stamp(command.effective_date), cluster_id=command.cluster_id)]


@decide.register
def _create_network(command: cmd.CreateNetwork, register: Register, cause: Cause) -> list[Event]:
    if command.network_id in register.networks:
        raise AlreadyExists(None, f"network {command.network_id!r} exists already")
    _, retired = _cluster(register, command.cluster_id)
    if retired:
        raise RuleBroken(
            "Membership 5", f"cluster {command.cluster_id!r} is retired and takes no new networks"
        )
    return [
        ev.NetworkCreated(
            **cause.stamp(command.effective_date),
            network_id=command.network_id,
            name=command.name,
            cluster_id=command.cluster_id,
        )
    ]


@decide.register
def _assign(command: cmd.AssignMember, register: Register, cause: Cause) -> list[Event]:
    on = command.effective_date
    views.network(register, command.network_id)
    for current in views.stints_from(register, command.person_id, command.ydernummer, on):
        raise RuleBroken(
            "Membership 1",
            f"{command.person_id} is already a member of {current.network_id} from "
            f"{max(current.start, on)}; move the member instead",
        )
    own = views.network_of(register, command.person_id, on)
    if own is not None and own != command.network_id:
        raise RuleBroken(
            "Membership 10",
            f"{command.person_id} is a member of {own} on {on} through another ydernummer; "
            f"a person is in one network at a time: move them to {command.network_id} instead",
        )
    held = views.holding(register, command.person_id, command.ydernummer, on)
    if held is not None:
        who = held.who()
    elif command.new_holder is not None:
        new = command.new_holder
        who = Who(
            command.person_id,
            new.name,
            command.ydernummer,
            new.clinic_id,
            new.clinic_name,
            new.role,
        )
    else:
        raise NotFound(
            None,
            f"{command.person_id} holds no ydernummer {command.ydernummer} on {on}; "
            "give name, clinic_id, clinic_name and role to register them by hand",
        )
    events: list[Event] = [
        joined(who, command.network_id, "ekm_assignment", cause, on, note=command.reason)
    ]
    if who.role == "owner":
        events += _behind(register, who, command.network_id, on, cause)
    return events


def _behind(
    register: Register, owner: Who, network_id: str, on: dt.date, cause: Cause
) -> list[Event]:
    """Renters and sharers at the owner's clinic who wait for a network join it with the
    owner, each from when they hold their ydernummer there (Membership 2, 4)."""
    events: list[Event] = []
    for h in register.holdings_at_clinic(owner.clinic_id):
        start = max(on, h.start)
        if h.person_id == owner.person_id or not h.active(start):
            continue
        if views.stint(register, h.person_id, h.ydernummer, start) is not None:
            continue
        if views.network_of(register, h.person_id, start) not in (None, network_id):
            continue  # a member elsewhere stays there (Membership 10)
        # the owner by id: a name in this note would be sealed under the joiner's key, and
        # outlive the owner's erasure (issue 15); in Danish, as the annual status shows it
        note = f"tildelt med ejeren af klinik {owner.clinic_id} ({owner.person_id})"
        events.append(joined(h.who(), network_id, "ekm_assignment", cause, start, note=note))
    return events


@decide.register
def _move(command: cmd.MoveMember, register: Register, cause: Cause) -> list[Event]:
    on = command.effective_date
    views.network(register, command.to_network_id)
    current, _ = _membership(register, command.person_id, command.ydernummer, on)
    if current.network_id == command.to_network_id:
        raise RuleBroken(
            "Membership 1", f"{command.person_id} is already in {command.to_network_id} on {on}"
        )
    # Membership 10: the person moves, with every ydernummer they hold in that network
    events: list[Event] = []
    for stint in register.stints_of_person(command.person_id):
        if stint.network_id != current.network_id or not stint.active(on):
            continue
        _, who = _membership(register, command.person_id, stint.ydernummer, on)
        events += [
            leaving(who, current.network_id, "ekm_move", cause, on, note=command.reason),
            joined(who, command.to_network_id, "ekm_move", cause, on, note=command.reason),
        ]
    return events


@decide.register
def _remove(command: cmd.RemoveMember, register: Register, cause: Cause) -> list[Event]:
    on = command.effective_date
    current, who = _membership(register, command.person_id, command.ydernummer, on)
    return [leaving(who, current.network_id, "ekm_removal", cause, on, note=command.reason)]


@decide.register
def _end_holding(command: cmd.EndHolding, register: Register, cause: Cause) -> list[Event]:
    """Membership 11: EKM ends a holding by hand; a membership through it ends that day."""
    on = command.effective_date
    held = views.holding(register, command.person_id, command.ydernummer, on)
    if held is None:
        raise NotFound(
            None, f"{command.person_id} holds no ydernummer {command.ydernummer} on {on}"
        )
    membership = views.stint(register, command.person_id, command.ydernummer, on)
    network_id = membership.network_id if membership else None
    ended = leaving(held.who(), network_id, "ekm_holding_ended", cause, on, note=command.reason)
    return [ended]


def _cluster(register: Register, cluster_id: str) -> tuple[str, bool]:
    if cluster_id not in register.clusters:
        raise NotFound(None, f"there is no cluster {cluster_id!r}")
    return register.clusters[cluster_id]


def _membership(
    register: Register, person_id: str, ydernummer: str, on: dt.date
) -> tuple[Stint, Who]:
    found = views.stint(register, person_id, ydernummer, on)
    held = views.holding(register, person_id, ydernummer, on)
    if found is None or held is None:
        raise NotFound(None, f"{person_id} is not a member through ydernummer {ydernummer} on {on}")
    return found, held.who()
