"""What a region's ydernummer change means for membership (DOMAIN Membership 1-4, 7, 10, 11)."""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_contracts.events import region as rg
from kn_membership.domain import views
from kn_membership.domain.errors import RuleBroken
from kn_membership.domain.facts import Who, joined, leaving, waiting
from kn_membership.domain.one_network import one_network
from kn_membership.domain.register import Register
from kn_servicekit.cause import Cause


def decision(
    change: Event, cause: Cause, change_key: str | None = None
) -> Callable[[Register], list[Event]]:
    """The decision about one change, to be taken on the register as it then stands.

    With the change's key (its ce_source#ce_id), a change the register contradicts is
    recorded as RegionChangeRejected, a fact EKM settles later, instead of refused."""

    def decide_or_reject(register: Register) -> list[Event]:
        try:
            return decide(change, register, cause)
        except RuleBroken as broken:
            if change_key is None:
                raise
            return [rejected(change, cause, change_key, broken)]

    return decide_or_reject


def rejected(change: Event, cause: Cause, change_key: str, broken: RuleBroken) -> Event:
    """The fact that a region change contradicts the register, with the rule and why."""
    ydernummer = getattr(change, "ydernummer", None) or getattr(change, "seller_ydernummer", None)
    return ev.RegionChangeRejected(
        **cause.stamp(change.effective_date),
        change_key=change_key,
        change_type=change.ce_type(),
        change=change.model_dump_json(),
        # the change names its person: the body is sealed under that person's key (issue 15)
        subject_id=getattr(change, "person_id", None) or getattr(change, "buyer_person_id", None),
        ydernummer=ydernummer,
        rule=broken.rule,
        reason=broken.detail,
        reported_on=cause.today,
    )


@singledispatch
def decide(change: Event, register: Register, cause: Cause) -> list[Event]:
    """The membership events a region change causes; RuleBroken if it contradicts the register."""
    raise RuleBroken(None, f"membership does not handle {change.ce_type()}")


@decide.register
def _opened(change: rg.YdernummerOpened, register: Register, cause: Cause) -> list[Event]:
    on = change.effective_date
    held = views.holders(register, change.ydernummer, on)
    if any(h.person_id == change.person_id for h in held):
        return []  # the register says so already: a repeated report changes nothing
    if held:
        raise RuleBroken(
            "Membership 7",
            f"ydernummer {change.ydernummer} is already held by {held[0].person_id} on {on}; "
            "a second holder is reported as YdernummerShared",
        )
    who = Who(
        change.person_id,
        change.name,
        change.ydernummer,
        change.clinic_id,
        change.clinic_name,
        change.role,
    )
    # Membership 2: a renter (or a new co-owner) joins the colleagues' network at the clinic;
    # Membership 4: an owner at a brand-new clinic waits for EKM to assign one.
    networks = views.clinic_networks(register, change.clinic_id, on)
    own = views.network_of(register, change.person_id, on)
    if own is not None and own in networks:
        return [joined(who, own, "region_feed", cause, on)]
    if len(networks) == 1:
        return [joined(who, one_network(register, who, networks[0], on), "region_feed", cause, on)]
    if len(networks) > 1:  # the clinic's members are in two networks: EKM decides
        # in Danish: the note is shown as it stands on EKM's pages and in the annual status
        split = " og ".join(networks)
        note = f"klinik {change.clinic_id} har medlemmer i {split} den {on:%d.%m.%Y}"
        return [waiting(who, cause, on, note=f"{note}: EKM afgør (Membership 2)")]
    return [waiting(who, cause, on)]


@decide.register
def _shared(change: rg.YdernummerShared, register: Register, cause: Cause) -> list[Event]:
    on = change.effective_date
    held = views.holders(register, change.ydernummer, on)
    if not held:
        raise RuleBroken(
            "Membership 7",
            f"ydernummer {change.ydernummer} is not held by anyone on {on}, so it cannot be shared",
        )
    if any(h.person_id == change.person_id for h in held):
        return []
    # Membership 1: each of several therapists sharing one ydernummer is a member
    first = held[0]
    who = Who(
        change.person_id,
        change.name,
        change.ydernummer,
        first.clinic_id,
        first.clinic_name,
        first.role,
    )
    membership = views.stint(register, first.person_id, first.ydernummer, on)
    if membership is None:
        return [waiting(who, cause, on)]
    network_id = one_network(register, who, membership.network_id, on)
    return [joined(who, network_id, "region_feed", cause, on)]


@decide.register
def _unshared(change: rg.YdernummerUnshared, register: Register, cause: Cause) -> list[Event]:
    on = change.effective_date
    held = views.holders(register, change.ydernummer, on)
    mine = [h for h in held if h.person_id == change.person_id]
    if not mine:
        raise RuleBroken(
            "Membership 11",
            f"{change.person_id} does not hold ydernummer {change.ydernummer} on {on}",
        )
    if len(held) == 1:
        raise RuleBroken(
            "Membership 11",
            f"{change.person_id} is the only holder of ydernummer {change.ydernummer} on {on}; "
            "a ydernummer that ends is reported as YdernummerClosed",
        )
    # Membership 11: that holder's membership ends that day; the others keep theirs
    membership = views.stint(register, change.person_id, change.ydernummer, on)
    network_id = membership.network_id if membership else None
    return [leaving(mine[0].who(), network_id, "ydernummer_unshared", cause, on)]


@decide.register
def _taken_over(change: rg.ClinicTakenOver, register: Register, cause: Cause) -> list[Event]:
    on = change.effective_date
    sellers = [
        h
        for h in views.holders(register, change.seller_ydernummer, on)
        if h.clinic_id == change.clinic_id
    ]
    if not sellers:
        raise RuleBroken(
            "Membership 3",
            f"ydernummer {change.seller_ydernummer} does not own clinic {change.clinic_id} on "
            f"{on}, so it cannot sell it",
        )
    if views.holders(register, change.buyer_ydernummer, on):
        raise RuleBroken(
            "Membership 7",
            f"the buyer's ydernummer {change.buyer_ydernummer} is already in use on {on}; "
            "a takeover issues the buyer a new one",
        )
    memberships = [views.stint(register, h.person_id, h.ydernummer, on) for h in sellers]
    network_id = next((m.network_id for m in memberships if m is not None), None)
    events: list[Event] = [
        ev.ClinicSold(
            **cause.stamp(on),
            clinic_id=change.clinic_id,
            network_id=network_id,
            seller_ydernummer=change.seller_ydernummer,
            buyer_person_id=change.buyer_person_id,
            buyer_name=change.buyer_name,
            buyer_ydernummer=change.buyer_ydernummer,
        )
    ]
    # Membership 3: the seller's membership for that clinic ends on the sale date ...
    for seller, membership in zip(sellers, memberships, strict=True):
        left_from = membership.network_id if membership else None
        events.append(leaving(seller.who(), left_from, "sale", cause, on))
    # ... and the buyer joins the seller's network from it.
    buyer = Who(
        change.buyer_person_id,
        change.buyer_name,
        change.buyer_ydernummer,
        change.clinic_id,
        sellers[0].clinic_name,
        "owner",
    )
    if network_id is None:
        events.append(waiting(buyer, cause, on))
    else:
        network_id = one_network(register, buyer, network_id, on)
        events.append(joined(buyer, network_id, "sale", cause, on))
    return events


@decide.register
def _closed(change: rg.YdernummerClosed, register: Register, cause: Cause) -> list[Event]:
    on = change.effective_date
    held = views.holders(register, change.ydernummer, on)
    if not held:
        raise RuleBroken(
            "Membership 7", f"ydernummer {change.ydernummer} is unknown or already closed on {on}"
        )
    events = []
    for holding in held:
        membership = views.stint(register, holding.person_id, holding.ydernummer, on)
        network_id = membership.network_id if membership else None
        events.append(leaving(holding.who(), network_id, "ydernummer_closed", cause, on))
    return events
