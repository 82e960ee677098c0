"""How joins and leaves change one person's stints: the rules the register folds by, also
used to see a decision's outcome before it is recorded (Membership 12, Coordinator 6)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from kn_contracts.base import Event
from kn_contracts.events import membership as ev
from kn_membership.domain.model import Stint


def runs_into(stints: Sequence[Stint], joined: ev.MemberJoined) -> int | None:
    """Position in `stints` (one person's) of a stint the join extends back rather than
    beginning a second one: a move dated before a recorded move into the same network cuts
    the stint between them, and the person is then in that network from the earlier date
    (Membership 12)."""
    day = joined.effective_date
    for cut in stints:
        if cut.ydernummer != joined.ydernummer or cut.end != day or cut.cut_from is None:
            continue
        for i, later in enumerate(stints):
            if (
                (later.ydernummer, later.network_id) == (joined.ydernummer, joined.network_id)
                and later.start == cut.cut_from
                and not later.empty()
            ):
                return i
    return None


def cut(stint: Stint, left: ev.MemberLeft) -> Stint:
    """The stint once the leave ends it."""
    return replace(stint, end=left.effective_date, end_reason=left.reason, cut_from=stint.end)


def ended_by(stints: Sequence[Stint], left: ev.MemberLeft) -> int | None:
    """Position of the stint a leave ends: the one of its network and ydernummer in force on
    its date."""
    for i, s in enumerate(stints):
        if (s.network_id, s.ydernummer) == (left.network_id, left.ydernummer) and s.active(
            left.effective_date
        ):
            return i
    return None


def began(joined: ev.MemberJoined) -> Stint:
    """The stint a join begins."""
    return Stint(
        network_id=joined.network_id,
        person_id=joined.person_id,
        ydernummer=joined.ydernummer,
        clinic_id=joined.clinic_id,
        start=joined.effective_date,
        reason=joined.reason,
    )


def after(person_id: str, stints: Sequence[Stint], events: Iterable[Event]) -> list[Stint]:
    """The person's stints once these events are folded in (events of others are ignored)."""
    result = list(stints)
    for event in events:
        if getattr(event, "person_id", None) != person_id:
            continue
        if isinstance(event, ev.MemberJoined):
            position = runs_into(result, event)
            if position is None:
                result.append(began(event))
            else:
                result[position] = replace(result[position], start=event.effective_date)
        elif isinstance(event, ev.MemberLeft):
            position = ended_by(result, event)
            if position is not None:
                result[position] = cut(result[position], event)
    return result
