"""What the annual status flags, never refuses: each flag names its rule and says it in
English (the API) and Danish (the PDF)."""

from __future__ import annotations

from dataclasses import dataclass

from kn_contracts.danish import MONTHS
from kn_reporting.domain.figures import Figures
from kn_reporting.domain.submission import Submission


@dataclass(frozen=True)
class Flag:
    code: str
    rule: str
    text: str
    dansk: str


def flags(figures: Figures, submission: Submission) -> tuple[Flag, ...]:
    """Too few or many meetings, mandatory topic missing, months without a coordinator,
    lists not sent, and a status overdue or submitted after its due date."""
    found: list[Flag] = []
    c, year = figures.meeting_count, figures.year
    done = "held" if c.counting == "held" else "planned or held"
    gjort = "afholdt" if c.counting == "held" else "planlagt eller afholdt"
    if c.counted < c.minimum:  # Meetings 1, 6
        found.append(
            Flag(
                "too_few_meetings",
                "Meetings 6",
                f"below {c.minimum} meetings: {c.counted} {done} in {year}",
                f"Under {c.minimum} møder: {c.counted} {gjort} i {year}",
            )
        )
    if c.counted > c.maximum:
        found.append(
            Flag(
                "too_many_meetings",
                "Meetings 6",
                f"above {c.maximum} meetings: {c.counted} {done} in {year}",
                f"Over {c.maximum} møder: {c.counted} {gjort} i {year}",
            )
        )
    topic = figures.mandatory_topic
    if topic.status == "not_planned" or (figures.year_over and topic.status == "planned"):
        found.append(
            Flag(
                "mandatory_topic_missing",
                "Meetings 2",
                f"mandatory topic missing: no {done} meeting covers {topic.title}",
                f"Årets obligatoriske emne mangler: {topic.title}",
            )
        )
    without = figures.coordinators.months_without
    if without:  # Coordinator 3: those months pay nobody
        months = ", ".join(MONTHS[m - 1] for m in without)
        found.append(
            Flag(
                "months_without_coordinator",
                "Coordinator 3",
                f"no coordinator in {len(without)} month(s): {months}",
                f"Ingen koordinator i {len(without)} måned(er): {months}",
            )
        )
    unsent = [
        m.date.isoformat() for m in figures.meetings if m.status == "held" and not m.list_sent
    ]
    if unsent:  # Meetings 3: the coordinator sends the list to EKM
        found.append(
            Flag(
                "lists_not_sent",
                "Meetings 3",
                f"attendance list not sent for the meeting(s) of {', '.join(unsent)}",
                f"Deltagerliste ikke sendt for møde(r) den {', '.join(unsent)}",
            )
        )
    if submission.overdue:
        due = submission.due
        found.append(
            Flag(
                "overdue",
                "Annual status",
                f"overdue: not submitted by {due.isoformat()}",
                f"For sent: ikke indsendt senest {due:%d.%m.%Y}",
            )
        )
    sent = submission.submitted_on
    if submission.submitted_late and sent is not None:  # it stays on the record once filed
        due = submission.due
        found.append(
            Flag(
                "submitted_late",
                "Annual status",
                f"submitted late: on {sent.isoformat()}, due {due.isoformat()}",
                f"Indsendt for sent: den {sent:%d.%m.%Y}, frist {due:%d.%m.%Y}",
            )
        )
    return tuple(found)
