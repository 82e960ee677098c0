"""Why the meetings service refuses a command: each error names the rule it applies."""

from __future__ import annotations

from kn_servicekit.errors import DomainError

PLAN_YEAR = "Meetings 1: a meeting plan covers one or two calendar years"
HELD_ON_DATE = "Meetings 1: a meeting is held physically on its planned date"
PLANNED_ONLY = "Meetings 1: only a meeting still planned can be changed, held or cancelled"
MANDATORY_TOPIC = "Meetings 2: one mandatory topic a year, set by EKM"
ATTENDANCE_HELD = "Meetings 3: attendance is taken at a held meeting"
ATTENDANCE_ONCE = "Meetings 3: each person is on a meeting's attendance list once"
ATTENDANCE_CLOSED = "Meetings 3: a closed attendance list is corrected, never edited"
AGENDA = "Meetings 4: an agenda is a list of points with minutes that fits the meeting"
TOPICS_AFTER = "Meetings 7: a held meeting's topics are corrected with a reason"
FOLLOW_UP = "Meetings 8: a topic may follow up an earlier meeting of the network"


class MeetingsError(DomainError):
    """Base of every refusal: (rule, detail); every one names the rule of DOMAIN.md applied."""

    rule: str

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(rule, detail)


class NotFound(MeetingsError):
    """The meeting or plan named does not exist."""


class Forbidden(MeetingsError):
    """The actor's role may not do this (only EKM publishes the mandatory topic)."""


class Conflict(MeetingsError):
    """The command does not fit the current state (cancelled, not held, closed, twice)."""


class Invalid(MeetingsError):
    """The command's data breaks a rule (date outside the plan year, bad times)."""
