"""Meetings' own revision of a sent attendance list after a late membership fact (Meetings 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kn_contracts.base import Event
from kn_contracts.events.meetings import MeetingsEvent
from kn_meetings.domain import attendance
from kn_meetings.domain.model import Plan
from kn_meetings.domain.roster import Roster, roster_on
from kn_meetings.handlers.streams import MembershipDirectory, facts_for, plan_of, year_of
from kn_servicekit.cause import Cause
from kn_servicekit.eventstore import EventStore
from kn_servicekit.pipeline import decide_and_append

# What names a revision's cause: given the newest place in the view among the facts the
# list is classified from, the cause and the reason in words (the newest fact among them).
Namer = Callable[[int | None], Awaitable[tuple[Cause, str]]]
Prepared = tuple[Roster, tuple[Roster, Roster] | None, tuple[Cause, str]] | None


async def revise_list(
    store: EventStore,
    directory: MembershipDirectory,
    network_id: str,
    meeting_id: str,
    name: Namer,
    cause_key: str,
    fact_seq: int | None = None,
) -> list[Event]:
    """Identify and classify a sent list again from the view; a new revision if a line
    changed, with event ids from `cause_key`, so the same cause handled twice appends once.
    The cause named is chosen from the very facts the list is classified from.

    With `fact_seq` (the fact's place in the view's order) only when that fact itself
    changes a line: the view's facts before it and up to it are compared, so a repeat of a
    fact changes nothing even while the view already holds later facts."""

    async def prepare(plan: Plan) -> Prepared:
        meeting = plan.find(meeting_id)
        if meeting is None or meeting.current_list is None:
            return None
        facts = await facts_for(directory, plan, meeting_id)
        named = await name(max((f.seq for f in facts), default=None))
        now = roster_on(meeting.date, facts)
        if fact_seq is None:
            return now, None, named
        before = roster_on(meeting.date, [f for f in facts if f.seq < fact_seq])
        after = roster_on(meeting.date, [f for f in facts if f.seq <= fact_seq])
        return now, (before, after), named

    def decide(plan: Plan, got: Prepared) -> list[MeetingsEvent]:
        if got is None:
            return []
        now, fact, (cause, reason) = got
        return attendance.revise(plan, meeting_id, cause, now, reason, fact)

    decided = await decide_and_append(
        store, plan_of(network_id, year_of(meeting_id)), decide, prepare=prepare,
        cause_key=cause_key,
    )  # fmt: skip
    return decided.events
