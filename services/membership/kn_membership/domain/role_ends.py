"""Coordinator 6: a holder whose membership of the network ends stops holding the role that
same day, recorded as a step-down with the reason; the remaining sharer holds it alone.

It follows every decision: a membership that ends (sale, close, unshare, move, removal) and
a confirmed act naming a holder whose membership is already known to end. A later spell
naming someone who is no longer a member is corrected by a restatement (Coordinator 7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kn_contracts.base import Event
from kn_contracts.coordinator import RoleHistory, Spell
from kn_contracts.events import membership as ev
from kn_membership.domain import timeline
from kn_membership.domain.covers import stamp
from kn_membership.domain.model import Stint
from kn_membership.domain.register import Register

MEMBERSHIP_ENDED = "membership ended"
RoleEvent = ev.CoordinatorEvent | ev.CoordinatorSpellsRestated


def role_ends(register: Register, events: list[Event]) -> list[Event]:
    """The step-downs (and restatements) the events imply for the coordinator role."""
    touched: dict[tuple[str, str], Event] = {}  # (network, person) -> the event behind it
    for event in events:
        for pair in _touches(event):
            touched.setdefault(pair, event)
    extra: list[Event] = []
    histories: dict[str, RoleHistory] = {}
    for (network_id, person_id), cause in touched.items():
        if network_id not in histories:
            histories[network_id] = register.role(network_id).copy()
            for event in events:
                if isinstance(event, RoleEvent) and event.network_id == network_id:
                    histories[network_id].apply(event)
        history = histories[network_id]
        stints = [
            s
            for s in timeline.after(person_id, register.stints_of_person(person_id), events)
            if s.network_id == network_id and not s.empty()
        ]
        for follows in _ends(history, network_id, person_id, stints, cause):
            history.apply(follows)
            extra.append(follows)
    return extra


def _touches(event: Event) -> list[tuple[str, str]]:
    if isinstance(event, ev.MemberLeft):
        return [(event.network_id, event.person_id)]
    if isinstance(event, ev.CoordinatorEvent):
        return [(event.network_id, h.person_id) for h in event.holders]
    if isinstance(event, ev.CoordinatorSpellsRestated):
        return [(event.network_id, h.person_id) for s in event.spells for h in s.holders]
    return []


def _ends(
    history: RoleHistory, network_id: str, person_id: str, stints: list[Stint], cause: Event
) -> list[RoleEvent]:
    spells = history.spells
    for i, spell in enumerate(spells):
        if not spell.holds(person_id):
            continue
        until = spells[i + 1].start if i + 1 < len(spells) else None
        end = _gap(stints, spell.start, until)
        if end is None:
            continue
        if end == spell.start:  # a later spell names someone no longer a member
            return [_restated(spells, end, network_id, person_id, stints, cause)]
        down = _step_down(spell, end, network_id, person_id, cause)
        later = [s for s in spells[i + 1 :] if s.holds(person_id)]
        if not later:
            return [down]
        corrected = history.copy()
        corrected.apply(down)
        restated = _restated(corrected.spells, later[0].start, network_id, person_id, stints, cause)
        return [down, restated]
    return []


def _gap(stints: Sequence[Stint], start: dt.date, until: dt.date | None) -> dt.date | None:
    """The first day in [start, until) the person is no member (through any stint)."""
    day = start
    while until is None or day < until:
        covering = [s.end for s in stints if s.active(day)]
        if not covering:
            return day
        if None in covering:
            return None
        day = max(e for e in covering if e is not None)
    return None


def _without(spell: Spell, person_id: str) -> tuple[tuple[str, str], ...]:
    return tuple((p, n) for p, n in spell.holders if p != person_id)


def _payee(spell: Spell, holders: tuple[tuple[str, str], ...]) -> str | None:
    if any(p == spell.payee for p, _ in holders):
        return spell.payee
    return holders[0][0] if holders else None


def _step_down(
    spell: Spell, on: dt.date, network_id: str, person_id: str, cause: Event
) -> ev.CoordinatorSteppedDown:
    staying = _without(spell, person_id)
    return ev.CoordinatorSteppedDown(
        **stamp(cause, on),
        network_id=network_id,
        holders=tuple(ev.CoordinatorHolder(person_id=p, name=n) for p, n in staying),
        payee_person_id=_payee(spell, staying),
        person_id=person_id,
        reason=MEMBERSHIP_ENDED,
    )


def _restated(
    spells: Sequence[Spell],
    start: dt.date,
    network_id: str,
    person_id: str,
    stints: list[Stint],
    cause: Event,
) -> ev.CoordinatorSpellsRestated:
    """Every spell from `start` on, the person kept only while a member."""
    kept = [s for s in spells if s.start >= start]
    out: list[ev.RestatedSpell] = []
    for i, spell in enumerate(kept):
        until = kept[i + 1].start if i + 1 < len(kept) else None
        end = _gap(stints, spell.start, until) if spell.holds(person_id) else None
        if end == spell.start:
            out.append(_spell(spell, spell.start, _without(spell, person_id)))
            continue
        out.append(_spell(spell, spell.start, spell.holders))
        if end is not None:
            out.append(_spell(spell, end, _without(spell, person_id)))
    return ev.CoordinatorSpellsRestated(
        **stamp(cause, start),
        network_id=network_id,
        spells=tuple(out),
        reason=f"{person_id} is no member of {network_id} from {start} ({MEMBERSHIP_ENDED})",
    )


def _spell(spell: Spell, start: dt.date, holders: tuple[tuple[str, str], ...]) -> ev.RestatedSpell:
    return ev.RestatedSpell(
        start=start,
        holders=tuple(ev.CoordinatorHolder(person_id=p, name=n) for p, n in holders),
        payee_person_id=_payee(spell, holders),
    )
