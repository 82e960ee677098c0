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
from kn_membership.domain.register import Register, Stint
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
    return [joined(who, command.network_id, "ekm_assignment", cause, on, note=command.reason)]


@decide.register
def _move(command: cmd.MoveMember, register: Register, cause: Cause) -> list[Event]:
    on = command.effective_date
    views.network(register, command.to_network_id)
    current, who = _membership(register, command.person_id, command.ydernummer, on)
    for later in views.stints_from(register, command.person_id, command.ydernummer, on):
        if later.start > on:
            raise RuleBroken(
                "Membership 1",
                f"a change of {command.person_id}'s membership is recorded from {later.start}; "
                "record changes in date order",
            )
    if current.network_id == command.to_network_id:
        raise RuleBroken(
            "Membership 1", f"{command.person_id} is already in {command.to_network_id} on {on}"
        )
    return [
        leaving(who, current.network_id, "ekm_move", cause, on, note=command.reason),
        joined(who, command.to_network_id, "ekm_move", cause, on, note=command.reason),
    ]


@decide.register
def _remove(command: cmd.RemoveMember, register: Register, cause: Cause) -> list[Event]:
    on = command.effective_date
    current, who = _membership(register, command.person_id, command.ydernummer, on)
    return [leaving(who, current.network_id, "ekm_removal", cause, on, note=command.reason)]


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
